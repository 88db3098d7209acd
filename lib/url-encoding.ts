// Spots request paths whose percent-encoding is not valid UTF-8, which Next.js's router answers with a bare 500.
/** True when `pathname` holds a `%` escape that does not decode (`%ZZ`, a lone `%`, `%FF`, an encoded surrogate). */
export function hasMalformedPercentEncoding(pathname: string): boolean {
  try {
    decodeURIComponent(pathname);
    return false;
  } catch {
    return true;
  }
}
