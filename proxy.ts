// Request gate: refuses undecodable URLs and cross-site writes, and gives every browser its signed identity.
import { type NextRequest, NextResponse } from 'next/server';
import { jsonError } from './lib/api-error';
import {
  isCrossSite,
  newOwnerId,
  OWNER_COOKIE,
  OWNER_COOKIE_MAX_AGE,
  requestedHost,
  signOwner,
  verifyOwner,
} from './lib/identity';
import { sessionSecret } from './lib/session-secret';
import { hasMalformedPercentEncoding } from './lib/url-encoding';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function proxy(request: NextRequest): Promise<Response> {
  // Next.js's router would answer an undecodable dynamic segment with a bare 500 (vercel/next.js#92527).
  if (hasMalformedPercentEncoding(request.nextUrl.pathname)) {
    return jsonError(400, 'invalid_request_error', 'The URL is not valid percent-encoded UTF-8.');
  }
  if (
    WRITE_METHODS.has(request.method) &&
    isCrossSite(
      request.headers.get('origin'),
      requestedHost(request.headers.get('x-forwarded-host'), request.headers.get('host')),
    )
  ) {
    return jsonError(403, 'forbidden_error', 'Cross-site requests are not allowed.');
  }
  const secret = sessionSecret();
  if (await verifyOwner(request.cookies.get(OWNER_COOKIE)?.value, secret)) return NextResponse.next();

  // No valid identity yet: mint one and hand it to this request as well as to the browser.
  const value = await signOwner(newOwnerId(), secret);
  request.cookies.set(OWNER_COOKIE, value);
  const response = NextResponse.next({ request: { headers: request.headers } });
  response.cookies.set(OWNER_COOKIE, value, {
    httpOnly: true,
    sameSite: 'lax',
    secure: request.nextUrl.protocol === 'https:',
    path: '/',
    maxAge: OWNER_COOKIE_MAX_AGE,
  });
  return response;
}

export const config = {
  // The API and chat pages always pass the gate, even when a path happens to end like a static asset.
  matcher: [
    '/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)',
    '/api/:path*',
    '/chat/:path*',
  ],
};
