// Two per-transaction secrets, derived (not stored) from the master key:
// - the client secret a browser uses to join the transaction's Socket.io room;
// - the callback token in the CallBackURL we give Safaricom, so a caller who guesses or sees
//   a CheckoutRequestID still cannot post an outcome for it.
// Both carry the id of the master key they were derived with (`cs_<keyId>.<tag>`,
// `<keyId>.<tag>`), so after a key rotation a payment started before it still matches, for as
// long as the old key stays in MASTER_KEY_PREVIOUS. Values from before key ids existed (no
// dot) are checked against every key of the ring.
import { keyedHexTag, keyedTag, safeEqual, type Keyring, type MasterKey } from './vault';

export interface TransactionSecrets {
  clientSecret(transactionId: string): string;
  isClientSecret(transactionId: string, candidate: string): boolean;
  callbackToken(transactionId: string): string;
  isCallbackToken(transactionId: string, candidate: string): boolean;
}

const CLIENT_SECRET_PREFIX = 'cs_';

export function createTransactionSecrets(keyring: Keyring): TransactionSecrets {
  const clientTag = (key: MasterKey, id: string) => keyedTag(key.derive('client-secret'), id);
  // A callback token travels in the URLs Daraja reads, which may be refused for holding "sql",
  // "exe", "cmd" and the like in any case (docs/daraja.md §2): base64url spells one in about 1 in
  // 260 tokens, hex never (its letters are a-f). Tokens issued before, in base64url, still count.
  const callbackTag = (key: MasterKey, id: string) => keyedHexTag(key.derive('callback-token'), id);
  const base64CallbackTag = (key: MasterKey, id: string) => keyedTag(key.derive('callback-token'), id);

  /** `<keyId>.<tag>` checked with that key; a bare tag (from before key ids) with any key of the ring. */
  const matches = (value: string, tagWith: (key: MasterKey) => string): boolean => {
    const dot = value.indexOf('.');
    if (dot < 0) return keyring.all.some((key) => safeEqual(tagWith(key), value));
    const key = keyring.byId(value.slice(0, dot));
    return key !== undefined && safeEqual(tagWith(key), value.slice(dot + 1));
  };

  return {
    clientSecret: (id) => `${CLIENT_SECRET_PREFIX}${keyring.newest.id}.${clientTag(keyring.newest, id)}`,
    isClientSecret: (id, candidate) =>
      candidate.startsWith(CLIENT_SECRET_PREFIX) &&
      matches(candidate.slice(CLIENT_SECRET_PREFIX.length), (key) => clientTag(key, id)),
    callbackToken: (id) => `${keyring.newest.id}.${callbackTag(keyring.newest, id)}`,
    isCallbackToken: (id, candidate) =>
      matches(candidate, (key) => callbackTag(key, id)) ||
      matches(candidate, (key) => base64CallbackTag(key, id)),
  };
}
