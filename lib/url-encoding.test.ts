// Unit tests for detecting malformed percent-encoding in request paths.
import { describe, expect, it } from 'vitest';
import { hasMalformedPercentEncoding } from './url-encoding';

describe('hasMalformedPercentEncoding', () => {
  it('accepts plain paths and escapes of valid UTF-8, including encoded slashes and emoji', () => {
    for (const path of [
      '/',
      '/api/chats/abc-1',
      '/api/chats/a%2Fb',
      '/chat/%E2%80%8B',
      '/x/%F0%9F%98%80',
      '/%25',
    ])
      expect(hasMalformedPercentEncoding(path)).toBe(false);
  });

  it('flags escapes that do not decode: bad hex, a lone percent, stray bytes and encoded surrogates', () => {
    for (const path of [
      '/api/chats/%ZZ',
      '/chat/%',
      '/api/chats/%E2%80',
      '/api/chats/%FF',
      '/api/chats/%ED%A0%80',
    ])
      expect(hasMalformedPercentEncoding(path)).toBe(true);
  });
});
