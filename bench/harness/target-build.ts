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
 * Our code is bundled, not minified, so CPU profiles keep its names; packages stay external, loaded as the app
 * loads them. No `keepNames`: it only matters to minified code, and it wraps every function our code creates
 * in a `defineProperty` of its name, which gives each closure a property store of its own (about 200 B per
 * closure in heap snapshots) and CPU per call site: costs that only our bundled code paid, and no build of
 * the app (Next's) pays.
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
    logLevel: 'warning',
  });
  return OUTFILE;
}
