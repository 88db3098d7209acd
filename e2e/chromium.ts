// How tests and experiments launch Chromium: Debian's build when present, with the flags this machine needs.
import { existsSync } from 'node:fs';

/** Debian's Chromium (or CHROMIUM_PATH) when present; Playwright's own browser otherwise. */
export function chromiumExecutable(): string | undefined {
  const candidate = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
  return existsSync(candidate) ? candidate : undefined;
}

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
