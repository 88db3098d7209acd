// Resolves the verified owner id of the current request (set by proxy.ts, re-verified here).
import 'server-only';
import { cookies } from 'next/headers';
import { NotFoundError } from './http-errors';
import { OWNER_COOKIE, verifyOwner } from './identity';
import { sessionSecret } from './session-secret';

/** The request's owner id; without a valid identity nothing can be owned, so every chat is "not found". */
export async function requireOwner(): Promise<string> {
  const store = await cookies();
  const owner = await verifyOwner(store.get(OWNER_COOKIE)?.value, sessionSecret());
  if (!owner) throw new NotFoundError();
  return owner;
}

/** For pages: the owner id, or null for a first visit before the identity cookie reached the browser. */
export async function currentOwner(): Promise<string | null> {
  const store = await cookies();
  return verifyOwner(store.get(OWNER_COOKIE)?.value, sessionSecret());
}
