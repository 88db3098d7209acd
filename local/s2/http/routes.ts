// Route matching on the raw (undecoded) path, with or without the `/v1` prefix, per S2's route table.
import { WireError } from './wire-errors';

export type Route =
  | { kind: 'health' }
  | { kind: 'basins' }
  | { kind: 'basin'; basin: string }
  | { kind: 'streams' }
  | { kind: 'stream'; stream: string }
  | { kind: 'records'; stream: string }
  | { kind: 'tail'; stream: string }
  | { kind: 'unimplemented' };

const UNIMPLEMENTED_ROOTS = new Set(['access-tokens', 'locations', 'metrics']);

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new WireError('bad_path', `invalid path segment: ${segment}`);
  }
}

/** Splits `/v1/streams/a%2Fb/records?x` into its route; `undefined` when nothing matches. */
export function matchRoute(rawUrl: string): Route | undefined {
  const queryAt = rawUrl.indexOf('?');
  const path = queryAt === -1 ? rawUrl : rawUrl.slice(0, queryAt);
  const segments = path.split('/').slice(1);
  if (segments[0] === 'v1') segments.shift();
  // A trailing slash leaves an empty last segment; S2's router ignores it too.
  if (segments.length > 1 && segments[segments.length - 1] === '') segments.pop();
  const [root, name, sub, subsub] = segments;
  if (root === undefined) return undefined;
  if ((root === 'ping' || root === 'health') && segments.length === 1) return { kind: 'health' };
  if (UNIMPLEMENTED_ROOTS.has(root)) return { kind: 'unimplemented' };
  if (root === 'basins') {
    if (segments.length === 1) return { kind: 'basins' };
    if (segments.length === 2 && name !== undefined) return { kind: 'basin', basin: decodeSegment(name) };
    return undefined;
  }
  if (root === 'streams') {
    if (segments.length === 1) return { kind: 'streams' };
    if (name === undefined) return undefined;
    if (segments.length === 2) return { kind: 'stream', stream: decodeSegment(name) };
    if (segments.length === 3 && sub === 'records') return { kind: 'records', stream: decodeSegment(name) };
    if (segments.length === 4 && sub === 'records' && subsub === 'tail') {
      return { kind: 'tail', stream: decodeSegment(name) };
    }
  }
  return undefined;
}

/** The query string of a raw request URL. */
export function queryOf(rawUrl: string): URLSearchParams {
  const queryAt = rawUrl.indexOf('?');
  return new URLSearchParams(queryAt === -1 ? '' : rawUrl.slice(queryAt + 1));
}
