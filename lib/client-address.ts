// The client's network address, as the platform's proxy reports it: the key of the per-address rate limit.

/**
 * `X-Real-IP` (set by Vercel and by the usual nginx setup), else the last `X-Forwarded-For` entry: the one
 * the nearest proxy added, which a client cannot forge (the first entries are whatever the client sent).
 * Null without either header, as on a bare `next start`, where nothing trustworthy names the client.
 */
export function clientAddress(headers: Headers): string | null {
  const real = headers.get('x-real-ip')?.trim();
  if (real) return real;
  const forwarded = headers.get('x-forwarded-for')?.split(',').at(-1)?.trim();
  return forwarded ? forwarded : null;
}
