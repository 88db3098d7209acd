// Which Host a request may name: on a loopback bind only loopback names, so DNS rebinding cannot reach it.

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopbackName(host: string): boolean {
  return LOOPBACK_NAMES.has(host) || host.startsWith('127.');
}

/** The host name of a `Host` header or `:authority`, without its port or IPv6 brackets. */
export function hostNameOf(authority: string): string {
  if (authority.startsWith('[')) return authority.slice(1, authority.indexOf(']'));
  const colon = authority.lastIndexOf(':');
  return (colon === -1 ? authority : authority.slice(0, colon)).toLowerCase();
}

/**
 * A server bound to loopback serves only requests addressed to a loopback name: a web page that rebinds
 * its own domain to 127.0.0.1 still sends its domain as the Host, and is refused. A server bound to another
 * address was exposed on purpose and takes any Host.
 */
export function hostGuard(bindHost: string): (authority: string | undefined) => boolean {
  if (!isLoopbackName(hostNameOf(bindHost))) return () => true;
  return (authority) => authority !== undefined && isLoopbackName(hostNameOf(authority));
}
