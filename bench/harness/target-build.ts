// Compiles the bench's target server ahead of time, so it runs on plain Node as a production build does.
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const ENTRY = fileURLToPath(new URL('../target/server.ts', import.meta.url));
/** Inside the project, so the bundle's package imports resolve from its node_modules. */
const OUTFILE = fileURLToPath(
  new URL('../../node_modules/.cache/resumable-bench/target.mjs', import.meta.url),
);

/**
 * Not tsx, as the stand-ins run: its loader hooks turn every dynamic `import()` into a round trip to the
 * hooks' worker thread, and the S2 SDK loads its session transport that way on each append or read
 * session, a few milliseconds of CPU per turn that only (b) paid. Next's build has no such hooks.
 * Our code is bundled (names kept, for CPU profiles); packages stay external, loaded as the app loads them.
 */
export async function buildTarget(): Promise<string> {
  await build({
    entryPoints: [ENTRY],
    outfile: OUTFILE,
    bundle: true,
    packages: 'external',
    platform: 'node',
    format: 'esm',
    target: 'node20',
    keepNames: true,
    logLevel: 'warning',
  });
  return OUTFILE;
}
