// Makes sure a production build of the app exists in its own dist dir, rebuilding when sources are newer.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** Kept apart from `.next`, so a load run never disturbs another build or a running dev server. */
export const LOAD_DIST_DIR = '.next-load';

const SOURCES = [
  'app',
  'components',
  'lib',
  'db',
  'public',
  'proxy.ts',
  'instrumentation.ts',
  'next.config.ts',
  'package.json',
  'postcss.config.mjs',
];
// tsconfig.json is left out: `next build` itself rewrites it (adding the dist dir's types).
const BUILD_TIMEOUT_MS = 8 * 60_000;

export class BuildError extends Error {
  override name = 'BuildError';
}

async function newestMtime(path: string): Promise<number> {
  if (!existsSync(path)) return 0;
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  let newest = info.mtimeMs;
  for (const entry of await readdir(path)) {
    if (entry === 'node_modules' || entry.startsWith('.')) continue;
    newest = Math.max(newest, await newestMtime(join(path, entry)));
  }
  return newest;
}

/** Why a (re)build is needed, or undefined when the build is current. */
export async function staleReason(root: string): Promise<string | undefined> {
  const buildId = join(root, LOAD_DIST_DIR, 'BUILD_ID');
  if (!existsSync(buildId)) return `no build in ${LOAD_DIST_DIR}`;
  const builtAt = (await stat(buildId)).mtimeMs;
  for (const source of SOURCES) {
    if ((await newestMtime(join(root, source))) > builtAt) return `${source} changed since the last build`;
  }
  return undefined;
}

export async function ensureBuild(root: string, log: (line: string) => void): Promise<void> {
  const reason = await staleReason(root);
  if (!reason) {
    log(`using the build in ${LOAD_DIST_DIR}`);
    return;
  }
  log(`building the app into ${LOAD_DIST_DIR} (${reason}); this takes a minute or two`);
  const child = spawn(process.execPath, [join(root, 'node_modules/next/dist/bin/next'), 'build'], {
    cwd: root,
    env: { ...process.env, NEXT_DIST_DIR: LOAD_DIST_DIR, NEXT_TELEMETRY_DISABLED: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const timer = setTimeout(() => child.kill('SIGKILL'), BUILD_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  clearTimeout(timer);
  if (code !== 0) throw new BuildError(`next build failed (${code}):\n${output.slice(-4000)}`);
  log('build done');
}
