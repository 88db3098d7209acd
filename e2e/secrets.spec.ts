// Secrets never reach the browser: a production build made with sentinel keys holds neither in what it serves.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, test } from '@playwright/test';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
// Unique per run: `next build` locks its dist dir, and this spec deletes it afterwards; two runs must not share one.
const DIST_DIR = `.next-secrets-${randomBytes(4).toString('hex')}`;
// `next build` adds its dist dir to these; they are put back so the build leaves the project as it found it.
const FILES_NEXT_REWRITES = ['tsconfig.json', 'next-env.d.ts'];
const BUILD_TIMEOUT_MS = 240_000;

interface BuildResult {
  code: number | null;
  output: string;
}

function nextBuild(env: NodeJS.ProcessEnv): Promise<BuildResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, 'node_modules/next/dist/bin/next'), 'build'], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.stderr.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

async function filesUnder(directory: string): Promise<string[]> {
  const entries = await readdir(directory, { recursive: true, withFileTypes: true });
  return entries.filter((entry) => entry.isFile()).map((entry) => path.join(entry.parentPath, entry.name));
}

/** Everything a browser can be sent: client assets, and pages prerendered at build time (HTML and RSC). */
async function browserVisibleFiles(dist: string): Promise<string[]> {
  const prerendered = (await filesUnder(path.join(dist, 'server', 'app'))).filter((file) =>
    /\.(html|rsc|body|meta|json)$/.test(file),
  );
  return [...(await filesUnder(path.join(dist, 'static'))), ...prerendered];
}

test('a production build made with real-looking keys serves neither the S2 token nor the Anthropic key to browsers', async () => {
  const testInfo = test.info();
  test.setTimeout(BUILD_TIMEOUT_MS + 60_000);
  const s2Token = `s2-sentinel-${randomBytes(12).toString('hex')}`;
  const anthropicKey = `sk-ant-sentinel-${randomBytes(12).toString('hex')}`;
  const dist = path.join(ROOT, DIST_DIR);
  const originals = await Promise.all(
    FILES_NEXT_REWRITES.map(async (name) => [name, await readFile(path.join(ROOT, name), 'utf8')] as const),
  );
  try {
    const build = await nextBuild({
      ...process.env,
      NEXT_DIST_DIR: DIST_DIR,
      S2_ACCESS_TOKEN: s2Token,
      ANTHROPIC_API_KEY: anthropicKey,
      NEXT_TELEMETRY_DISABLED: '1',
    });
    await testInfo.attach('next build output', { body: build.output, contentType: 'text/plain' });
    expect(build.code, build.output.slice(-2_000)).toBe(0);

    const files = await browserVisibleFiles(dist);
    expect(files.length).toBeGreaterThan(10);
    const leaks: string[] = [];
    let filesWithClientCode = 0;
    for (const file of files) {
      const bytes = await readFile(file);
      if (bytes.includes(s2Token)) leaks.push(`S2 token in ${path.relative(ROOT, file)}`);
      if (bytes.includes(anthropicKey)) leaks.push(`Anthropic key in ${path.relative(ROOT, file)}`);
      if (bytes.includes('/api/chat/stream')) filesWithClientCode++;
    }
    expect(
      filesWithClientCode,
      'the search reads the client bundle (it finds the replay URL)',
    ).toBeGreaterThan(0);
    expect(leaks).toEqual([]);
  } finally {
    await rm(dist, { recursive: true, force: true });
    for (const [name, text] of originals) {
      const file = path.join(ROOT, name);
      if ((await readFile(file, 'utf8')).includes(DIST_DIR)) await writeFile(file, text);
    }
  }
});
