// The vault: AES-256-GCM with a fresh IV per value, bound to its project, row and purpose, and
// a keyring where the newest key seals and older keys still open.
import { createCipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { createKeyring, createVault, type SealedFor } from '../../src/security/vault';

const key = () => randomBytes(32);
const forA: SealedFor = { projectId: 'prj_a', recordId: 'acc_1', purpose: 'passkey' };

describe('the vault', () => {
  it('when a value is sealed twice, then the two ciphertexts differ (a fresh IV each) and both open', () => {
    const vault = createVault(createKeyring(key()));
    const one = vault.seal('passkey-1', forA);
    const two = vault.seal('passkey-1', forA);
    expect(one).not.toBe(two);
    expect([vault.open(one, forA), vault.open(two, forA)]).toEqual(['passkey-1', 'passkey-1']);
  });

  it.each([
    ['another project', { ...forA, projectId: 'prj_b' }],
    ['another row', { ...forA, recordId: 'acc_2' }],
    ['another field', { ...forA, purpose: 'consumer-secret' as const }],
  ])('when a ciphertext is copied to %s, then it does not open', (_where, elsewhere) => {
    const vault = createVault(createKeyring(key()));
    expect(() => vault.open(vault.seal('secret', forA), elsewhere)).toThrow();
  });

  it('when a value was tampered with, then it does not open', () => {
    const vault = createVault(createKeyring(key()));
    const [format, id, iv, body, tag] = vault.seal('secret', forA).split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[0] = flipped[0]! ^ 1;
    expect(() => vault.open([format, id, iv, flipped.toString('base64url'), tag].join('.'), forA)).toThrow();
  });

  it('when the master key is rotated, then values sealed with the old key open, new ones use the new key, and a ring without the old key refuses them', () => {
    const oldKey = key();
    const newKey = key();
    const before = createVault(createKeyring(oldKey));
    const sealedBefore = before.seal('secret', forA);
    const rotated = createVault(createKeyring(newKey, [oldKey]));
    expect(rotated.open(sealedBefore, forA)).toBe('secret');
    expect(rotated.isCurrent(sealedBefore)).toBe(false);
    const sealedAfter = rotated.seal('secret', forA);
    expect(rotated.isCurrent(sealedAfter)).toBe(true);
    expect(rotated.keyIdOf(sealedAfter)).toBe(createKeyring(newKey).newest.id);
    expect(() => createVault(createKeyring(newKey)).open(sealedBefore, forA)).toThrow(
      /not in MASTER_KEY or MASTER_KEY_PREVIOUS/,
    );
  });

  it('when a value was sealed before key ids existed (v1), then any key of the ring opens it', () => {
    const oldKey = key();
    const derived = Buffer.from(hkdfSync('sha256', oldKey, Buffer.alloc(0), 'mpesa-bridge:secret-box', 32));
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', derived, iv);
    const body = Buffer.concat([cipher.update('legacy secret', 'utf8'), cipher.final()]);
    const legacy = [
      'v1',
      iv.toString('base64url'),
      body.toString('base64url'),
      cipher.getAuthTag().toString('base64url'),
    ].join('.');
    const vault = createVault(createKeyring(key(), [oldKey]));
    expect(vault.open(legacy, forA)).toBe('legacy secret');
    expect(vault.keyIdOf(legacy)).toBe('v1');
  });
});
