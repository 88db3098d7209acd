// Unit tests for the client address behind a proxy.
import { describe, expect, it } from 'vitest';
import { clientAddress } from './client-address';

describe('clientAddress', () => {
  it("prefers X-Real-IP, else takes X-Forwarded-For's last entry, the one the nearest proxy wrote", () => {
    expect(clientAddress(new Headers({ 'x-real-ip': '203.0.113.7', 'x-forwarded-for': '1.1.1.1' }))).toBe(
      '203.0.113.7',
    );
    // A client that sends its own X-Forwarded-For only adds entries before the proxy's.
    expect(clientAddress(new Headers({ 'x-forwarded-for': '10.9.9.9, 198.51.100.4' }))).toBe('198.51.100.4');
    expect(clientAddress(new Headers({ 'x-forwarded-for': ' ' }))).toBeNull();
    expect(clientAddress(new Headers())).toBeNull();
  });
});
