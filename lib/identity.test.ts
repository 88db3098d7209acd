// Unit tests for the signed owner cookie and the cross-site request check.
import { describe, expect, it } from 'vitest';
import { isCrossSite, newOwnerId, requestedHost, signOwner, verifyOwner } from './identity';

const secret = 'a'.repeat(43);

describe('owner identity cookie', () => {
  it('verifies its own signature and returns the owner id', async () => {
    const id = newOwnerId();
    expect(await verifyOwner(await signOwner(id, secret), secret)).toBe(id);
  });

  it('rejects forged, tampered, foreign-secret and malformed values', async () => {
    const id = newOwnerId();
    const value = await signOwner(id, secret);
    const other = await signOwner(newOwnerId(), secret);
    expect(await verifyOwner(`${newOwnerId()}.${value.split('.')[1]}`, secret)).toBeNull();
    expect(await verifyOwner(`${id}.${other.split('.')[1]}`, secret)).toBeNull();
    expect(await verifyOwner(value, 'b'.repeat(43))).toBeNull();
    for (const bad of [undefined, '', id, `${id}.`, '.sig', 'x.y.z', `${id}.${'!'.repeat(43)}`]) {
      expect(await verifyOwner(bad, secret)).toBeNull();
    }
  });
});

describe('signature spelling', () => {
  it('rejects every other spelling of a valid signature: the last character has two unused bits', async () => {
    const id = newOwnerId();
    const value = await signOwner(id, secret);
    const [, signature = ''] = value.split('.');
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const index = alphabet.indexOf(signature.at(-1) ?? '');
    // The characters that differ only in those two bits decode to the same 32 bytes.
    const aliases = [0, 1, 2, 3]
      .map((low) => alphabet[(index & ~3) | low])
      .filter((char) => char !== signature.at(-1));
    expect(aliases).toHaveLength(3);
    for (const alias of aliases) {
      const forged = `${id}.${signature.slice(0, -1)}${alias}`;
      expect(Buffer.from(forged.split('.')[1] ?? '', 'base64url')).toEqual(
        Buffer.from(signature, 'base64url'),
      );
      expect(await verifyOwner(forged, secret)).toBeNull();
    }
    expect(await verifyOwner(value, secret)).toBe(id);
  });
});

describe('isCrossSite', () => {
  it('allows same-origin and origin-less requests, refuses other sites', () => {
    expect(isCrossSite(null, 'app.test')).toBe(false);
    expect(isCrossSite('https://app.test', 'app.test')).toBe(false);
    expect(isCrossSite('https://evil.test', 'app.test')).toBe(true);
    expect(isCrossSite('null', 'app.test')).toBe(true);
  });
});

describe('requestedHost', () => {
  it("is the proxy's X-Forwarded-Host (its first entry) when there is one, else Host", () => {
    expect(requestedHost('chat.example.com', 'localhost:3000')).toBe('chat.example.com');
    expect(requestedHost('chat.example.com, inner.proxy', 'localhost:3000')).toBe('chat.example.com');
    expect(requestedHost(null, 'localhost:3000')).toBe('localhost:3000');
    expect(requestedHost(' ', 'localhost:3000')).toBe('localhost:3000');
    // Behind such a proxy the browser's own origin passes, and another site's still does not.
    const host = requestedHost('chat.example.com', 'localhost:3000');
    expect(isCrossSite('https://chat.example.com', host)).toBe(false);
    expect(isCrossSite('https://evil.example', host)).toBe(true);
  });
});
