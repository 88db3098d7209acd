// The cookie-signing secret: SESSION_SECRET, or one generated once into DATA_DIR for local use.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { env } from './env';

let cached: string | undefined;

export function sessionSecret(): string {
  if (cached) return cached;
  const config = env();
  if (config.SESSION_SECRET) {
    cached = config.SESSION_SECRET;
    return cached;
  }
  const file = path.resolve(config.DATA_DIR, 'session-secret');
  try {
    cached = readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(path.dirname(file), { recursive: true });
    const generated = Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString('base64url');
    // `wx` fails if another process won the race; then its secret is the one to use.
    try {
      writeFileSync(file, `${generated}\n`, { flag: 'wx', mode: 0o600 });
      chmodSync(file, 0o600);
    } catch {}
    cached = readFileSync(file, 'utf8').trim();
  }
  return cached;
}
