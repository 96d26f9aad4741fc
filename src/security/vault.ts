// The vault: every secret we store (API secret keys, webhook signing secrets, Daraja consumer
// keys and secrets, passkeys, initiator credentials and passwords) is sealed with AES-256-GCM under a key
// derived from the master key, with a fresh 96-bit IV per value and associated data naming the
// project, the row and the purpose, so a ciphertext copied into another row, project or column
// does not open. Secrets exist in plain text only in memory, for the call that needs them.
//
// The master key can be rotated: MASTER_KEY is the newest key (it seals), MASTER_KEY_PREVIOUS
// lists older ones (they still open). Each sealed value names the key that sealed it by its
// key id, a short fingerprint, so opening never guesses; re-sealing (vault.reencrypt.ts) moves
// everything onto the newest key, after which an old key can be dropped.
import {
  createCipheriv,
  createDecipheriv,
  createHash,
  createHmac,
  hkdfSync,
  randomBytes,
  timingSafeEqual,
} from 'node:crypto';

const IV_BYTES = 12;
const TAG_BYTES = 16;
/** v2: key id and associated data. v1 (before key rotation existed): neither. */
const FORMAT = 'v2';
const LEGACY_FORMAT = 'v1';

export type KeyPurpose = 'secret-box' | 'client-secret' | 'callback-token' | 'limit-key';

/** What a sealed value belongs to: it opens only for the same project, row and purpose. */
export interface SealedFor {
  projectId: string;
  recordId: string;
  purpose:
    | 'api-secret-key'
    | 'webhook-secret'
    | 'consumer-key'
    | 'consumer-secret'
    | 'passkey'
    | 'initiator-credential'
    | 'c2b-validation-secret'
    | 'initiator-password';
}

export interface MasterKey {
  /** 8 hex characters of the key's SHA-256: names the key in sealed values and derived tokens. */
  id: string;
  derive(purpose: KeyPurpose): Buffer;
}

export interface Keyring {
  /** The key that seals and derives new tokens. */
  newest: MasterKey;
  /** Every key that still opens, newest first. */
  all: readonly MasterKey[];
  byId(id: string): MasterKey | undefined;
}

export function createKeyring(newest: Buffer, previous: readonly Buffer[] = []): Keyring {
  const all = [newest, ...previous].map((key): MasterKey => {
    const derived = new Map<KeyPurpose, Buffer>();
    return {
      id: createHash('sha256').update(key).digest('hex').slice(0, 8),
      derive(purpose) {
        let value = derived.get(purpose);
        if (!value)
          derived.set(
            purpose,
            (value = Buffer.from(hkdfSync('sha256', key, Buffer.alloc(0), `mpesa-bridge:${purpose}`, 32))),
          );
        return value;
      },
    };
  });
  return { newest: all[0]!, all, byId: (id) => all.find((key) => key.id === id) };
}

export interface Vault {
  seal(plaintext: string, sealedFor: SealedFor): string;
  /** Throws when the value was sealed for something else, by a key not in the keyring, or tampered with. */
  open(sealed: string, sealedFor: SealedFor): string;
  /** Whether `sealed` is already sealed the way seal() would seal it now (newest key, current format). */
  isCurrent(sealed: string): boolean;
  /** The id of the key that sealed it; "v1" for values from before key rotation existed. */
  keyIdOf(sealed: string): string;
}

const associatedData = ({ projectId, recordId, purpose }: SealedFor) =>
  Buffer.from(`mpesa-bridge:${projectId}:${recordId}:${purpose}`);

function decrypt(key: Buffer, iv: string, body: string, tag: string, aad?: Buffer): string {
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), {
    authTagLength: TAG_BYTES,
  });
  if (aad) decipher.setAAD(aad);
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
}

export function createVault(keyring: Keyring): Vault {
  return {
    seal(plaintext, sealedFor) {
      const key = keyring.newest;
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key.derive('secret-box'), iv);
      cipher.setAAD(associatedData(sealedFor));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [
        FORMAT,
        key.id,
        iv.toString('base64url'),
        body.toString('base64url'),
        cipher.getAuthTag().toString('base64url'),
      ].join('.');
    },
    open(sealed, sealedFor) {
      const parts = sealed.split('.');
      if (parts[0] === FORMAT && parts.length === 5) {
        const [, keyId, iv, body, tag] = parts as [string, string, string, string, string];
        const key = keyring.byId(keyId);
        if (!key)
          throw new Error(`sealed by master key ${keyId}, which is not in MASTER_KEY or MASTER_KEY_PREVIOUS`);
        return decrypt(key.derive('secret-box'), iv, body, tag, associatedData(sealedFor));
      }
      if (parts[0] === LEGACY_FORMAT && parts.length === 4) {
        // Sealed before rotation and associated data existed: whichever key of the ring opens it.
        const [, iv, body, tag] = parts as [string, string, string, string];
        for (const key of keyring.all) {
          try {
            return decrypt(key.derive('secret-box'), iv, body, tag);
          } catch {
            // Not this key: try the next.
          }
        }
        throw new Error('no master key in the keyring opens this sealed value');
      }
      throw new Error('unreadable sealed value');
    },
    isCurrent: (sealed) => sealed.startsWith(`${FORMAT}.${keyring.newest.id}.`),
    keyIdOf: (sealed) => (sealed.startsWith(`${FORMAT}.`) ? (sealed.split('.')[1] ?? '') : LEGACY_FORMAT),
  };
}

/** A keyed tag for `value`, e.g. the client secret of a transaction; recomputable, never stored. */
export function keyedTag(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('base64url');
}

/** The same tag in hex, for URLs that must spell no word (its only letters are a-f). */
export function keyedHexTag(key: Buffer, value: string): string {
  return createHmac('sha256', key).update(value).digest('hex');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}
