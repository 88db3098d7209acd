// `npx tsx bench/experiments/browser-render.ts [port] [dist-dir]`: Chromium's main-thread time while the built app
// (`npm run build` first) streams `/demo long` into a page, from Chrome's performance metrics.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from '../../e2e/chromium';

const PORT = Number(process.argv[2] ?? 3300);
/** Another build to measure, as `NEXT_DIST_DIR` names it (a copy of the app built before a change, say). */
const DIST_DIR = process.argv[3];
const BASE = `http://127.0.0.1:${PORT}`;
const METRICS = ['TaskDuration', 'ScriptDuration', 'LayoutDuration', 'RecalcStyleDuration'] as const;

function startApp(): ChildProcess {
  return spawn('npx', ['next', 'start', '--port', String(PORT), '--hostname', '127.0.0.1'], {
    env: {
      ...process.env,
      ...(DIST_DIR ? { NEXT_DIST_DIR: DIST_DIR } : {}),
      DATA_DIR: mkdtempSync(join(tmpdir(), 'browser-render-')),
      S2_ACCESS_TOKEN: '',
      ANTHROPIC_API_KEY: '',
      NEXT_TELEMETRY_DISABLED: '1',
      // 1,024 deltas in about 5 s: a fast model.
      LOCAL_ANTHROPIC_TOKENS_PER_SEC: '200',
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    },
    stdio: 'ignore',
    detached: true,
  });
}

async function waitForApp(): Promise<void> {
  for (let i = 0; i < 300; i++) {
    if (
      await fetch(BASE).then(
        (response) => response.ok,
        () => false,
      )
    )
      return;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`the app did not answer at ${BASE}`);
}

async function main(): Promise<void> {
  const app = startApp();
  const browser = await chromium.launch({
    executablePath: chromiumExecutable(),
    args: CHROMIUM_ARGS,
  });
  try {
    await waitForApp();
    const page = await browser.newPage({ baseURL: BASE });
    await page.goto('/');
    await page.waitForURL(/\/chat\//);
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const read = async () => {
      const { metrics } = await cdp.send('Performance.getMetrics');
      return new Map(metrics.map((metric) => [metric.name, metric.value]));
    };
    await page.getByTestId('composer').fill('/demo long');
    const before = await read();
    await page.getByTestId('composer').press('Enter');
    await page
      .getByTestId('message-assistant')
      .last()
      .and(page.locator('[data-status="complete"], [data-status="max_tokens"]'))
      .waitFor({ timeout: 120_000 });
    const after = await read();
    const text = await page.getByTestId('message-assistant').last().textContent();
    console.log(`reply of ${text?.length ?? 0} characters`);
    for (const name of METRICS) {
      console.log(`  ${name}: ${(((after.get(name) ?? 0) - (before.get(name) ?? 0)) * 1000).toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    // The app's whole process group: npx, and the Next.js server under it.
    if (app.pid !== undefined && app.exitCode === null) process.kill(-app.pid, 'SIGTERM');
  }
}

await main();
