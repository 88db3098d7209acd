// Anonymous browser identity: a random owner id in an HMAC-signed cookie (Web Crypto, any runtime).
export const OWNER_COOKIE = 'rc_owner';
/** One year: the identity is the only key to a browser's chats. */
export const OWNER_COOKIE_MAX_AGE = 60 * 60 * 24 * 365;

const encoder = new TextEncoder();
const OWNER_ID = /^[A-Za-z0-9_-]{22}$/;

function base64url(bytes: ArrayBuffer | Uint8Array): string {
  return Buffer.from(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)).toString('base64url');
}

async function hmacKey(secret: string): Promise<CryptoKey> {
  return crypto.subtle.importKey('raw', encoder.encode(secret), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
    'verify',
  ]);
}

export function newOwnerId(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(16)));
}

/** `<owner id>.<signature>`: the cookie value for an owner id. */
export async function signOwner(ownerId: string, secret: string): Promise<string> {
  const signature = await crypto.subtle.sign('HMAC', await hmacKey(secret), encoder.encode(ownerId));
  return `${ownerId}.${base64url(signature)}`;
}

/** The owner id of a cookie value, or null when it is missing, malformed or signed with another secret. */
export async function verifyOwner(value: string | undefined, secret: string): Promise<string | null> {
  if (!value) return null;
  const dot = value.indexOf('.');
  const ownerId = value.slice(0, dot);
  const signature = value.slice(dot + 1);
  if (dot < 0 || !OWNER_ID.test(ownerId) || !/^[A-Za-z0-9_-]{43}$/.test(signature)) return null;
  const mac = Buffer.from(signature, 'base64url');
  // The 43rd character carries two unused bits: only the canonical spelling of a signature is accepted.
  if (base64url(mac) !== signature) return null;
  const valid = await crypto.subtle.verify('HMAC', await hmacKey(secret), mac, encoder.encode(ownerId));
  return valid ? ownerId : null;
}

/**
 * The host the browser addressed: a reverse proxy that passes its own upstream as `Host` (nginx's default)
 * names the public one in `X-Forwarded-Host`. A cross-site page cannot set that header on a browser request
 * without a CORS preflight, which this app never grants, so trusting it cannot let a forged write through.
 */
export function requestedHost(forwardedHost: string | null, host: string | null): string | null {
  const first = forwardedHost?.split(',')[0]?.trim();
  return first ? first : host;
}

/** Same-origin check for state-changing requests: a browser sends Origin on cross-site POSTs and DELETEs. */
export function isCrossSite(origin: string | null, host: string | null): boolean {
  if (origin === null) return false;
  try {
    return new URL(origin).host !== host;
  } catch {
    return true;
  }
}
