import { describe, expect, it } from 'vitest';
import { isCrossSite, newOwnerId, signOwner, verifyOwner } from './identity';

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

describe('isCrossSite', () => {
  it('allows same-origin and origin-less requests, refuses other sites', () => {
    expect(isCrossSite(null, 'app.test')).toBe(false);
    expect(isCrossSite('https://app.test', 'app.test')).toBe(false);
    expect(isCrossSite('https://evil.test', 'app.test')).toBe(true);
    expect(isCrossSite('null', 'app.test')).toBe(true);
  });
});
