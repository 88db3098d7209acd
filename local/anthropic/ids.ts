// Deterministic hashing for the local model: identifiers, signatures and seeded randomness from request content.
import { createHash } from 'node:crypto';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';

function sha256(...parts: string[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part).update('\u0000');
  return hash.digest();
}

/** JSON with object keys sorted, so the same request always hashes the same whatever its key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item ?? null)).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([key, item]) => `${JSON.stringify(key)}:${canonicalJson(item)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

function base58(bytes: Buffer, length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) {
    const byte = bytes[i % bytes.length] ?? 0;
    out += BASE58[(byte + Math.floor(i / bytes.length) * 7) % BASE58.length];
  }
  return out;
}

/** Shaped like the API's ids (`msg_01` + 22 characters). */
export function messageId(seed: string): string {
  return `msg_01${base58(sha256('message', seed), 22)}`;
}

export function toolUseId(seed: string): string {
  return `toolu_01${base58(sha256('tool_use', seed), 22)}`;
}

/** An opaque base64 string standing in for the API's encrypted thinking signature. */
export function thinkingSignature(seed: string): string {
  return Buffer.concat([
    sha256('signature', seed, '1'),
    sha256('signature', seed, '2'),
    sha256('signature', seed, '3'),
  ])
    .toString('base64')
    .replace(/=+$/, '');
}

export function requestDigest(canonicalRequest: string): string {
  return sha256('request', canonicalRequest).toString('hex');
}

/** Seeded PRNG (mulberry32) returning floats in [0, 1); same seed, same sequence. */
export function seededRandom(seed: string): () => number {
  let state = sha256('rng', seed).readUInt32LE(0);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A deterministic integer in [min, max] drawn from `random`. */
export function pickInt(random: () => number, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function pickOne<T>(random: () => number, items: readonly [T, ...T[]]): T {
  return items[Math.floor(random() * items.length)] ?? items[0];
}
