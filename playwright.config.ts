// Playwright: end-to-end tests in Chromium against a production build with the local stand-ins.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';
import { CHROMIUM_ARGS, chromiumExecutable } from './e2e/chromium';

const port = Number(process.env.E2E_PORT ?? 3100);
// Set once by the runner process; workers inherit it, so every worker talks to the same server and data.
process.env.E2E_DATA_DIR ??= mkdtempSync(path.join(tmpdir(), 'resumable-chat-e2e-'));

export default defineConfig({
  testDir: './e2e',
  outputDir: './test-results',
  timeout: 60_000,
  expect: { timeout: 15_000 },
  fullyParallel: false,
  workers: 1,
  retries: 0,
  forbidOnly: true,
  reporter: [['list'], ['html', { open: 'never', outputFolder: 'playwright-report' }]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
        ...devices['Desktop Chrome'],
        launchOptions: {
          executablePath: chromiumExecutable(),
          args: CHROMIUM_ARGS,
        },
      },
    },
  ],
  webServer: {
    command: `npx next build && npx next start --port ${port} --hostname 127.0.0.1`,
    url: `http://127.0.0.1:${port}`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: 'pipe',
    stderr: 'pipe',
    env: {
      DATA_DIR: process.env.E2E_DATA_DIR,
      S2_ACCESS_TOKEN: '',
      ANTHROPIC_API_KEY: '',
      NEXT_TELEMETRY_DISABLED: '1',
      LOCAL_ANTHROPIC_SLOW_DELTA_MS: '150',
      // Every spec's browser connects from 127.0.0.1: one address. The per-identity limit keeps its default
      // (privacy.spec.ts tests it); the per-address one has its own tests (lib/rate-limited-turns.test.ts).
      RATE_LIMIT_PER_ADDRESS_PER_MINUTE: '100000',
    },
  },
});
