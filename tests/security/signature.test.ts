import { createHmac } from 'node:crypto';
import { isFreshTimestamp, sign, signingString, verifySignature } from '../../src/security/signature';

const parts = {
  timestamp: '1795000000',
  method: 'post',
  path: '/api/v1/transactions/initiate',
  body: '{"amount":10}',
};

describe('request signatures', () => {
  it('when signing, then it is hex HMAC-SHA256 over timestamp, METHOD, path and body joined by newlines', () => {
    const expected = createHmac('sha256', 'sk_test')
      .update('1795000000\nPOST\n/api/v1/transactions/initiate\n{"amount":10}')
      .digest('hex');
    expect(signingString(parts)).toBe('1795000000\nPOST\n/api/v1/transactions/initiate\n{"amount":10}');
    expect(sign('sk_test', parts)).toBe(expected);
  });

  it('when the signature matches, then it verifies (upper-case hex too)', () => {
    const signature = sign('sk_test', parts);
    expect(verifySignature('sk_test', parts, signature)).toBe(true);
    expect(verifySignature('sk_test', parts, signature.toUpperCase())).toBe(true);
  });

  it.each([
    ['another secret', { secret: 'sk_other' }],
    ['a changed body', { body: '{"amount":11}' }],
    ['a changed path', { path: '/api/v1/transactions' }],
    ['a changed timestamp', { timestamp: '1795000001' }],
  ])('when signed with %s, then it does not verify', (_label, change) => {
    const { secret = 'sk_test', ...rest } = change as { secret?: string };
    const signature = sign(secret, { ...parts, ...rest });
    expect(verifySignature('sk_test', parts, signature)).toBe(false);
  });

  it('when the signature has the wrong length, then it does not verify (and does not throw)', () => {
    expect(verifySignature('sk_test', parts, 'abc')).toBe(false);
  });

  it('when the timestamp is within tolerance either side, then it is fresh; past it, not', () => {
    const now = 1_795_000_000_000;
    expect(isFreshTimestamp('1795000300', 300, now)).toBe(true);
    expect(isFreshTimestamp('1794999700', 300, now)).toBe(true);
    expect(isFreshTimestamp('1795000301', 300, now)).toBe(false);
    expect(isFreshTimestamp('1794999699', 300, now)).toBe(false);
    expect(isFreshTimestamp('17950e5', 300, now)).toBe(false);
  });
});
