// Request gate: gives every browser its signed anonymous identity and refuses cross-site writes.
import { type NextRequest, NextResponse } from 'next/server';
import {
  isCrossSite,
  newOwnerId,
  OWNER_COOKIE,
  OWNER_COOKIE_MAX_AGE,
  signOwner,
  verifyOwner,
} from './lib/identity';
import { sessionSecret } from './lib/session-secret';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export async function proxy(request: NextRequest): Promise<NextResponse> {
  if (
    WRITE_METHODS.has(request.method) &&
    isCrossSite(request.headers.get('origin'), request.headers.get('host'))
  ) {
    return NextResponse.json(
      { error: { type: 'forbidden_error', message: 'Cross-site requests are not allowed.' } },
      { status: 403 },
    );
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
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:svg|png|ico|css|js)$).*)'],
};
