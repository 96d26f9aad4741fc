// Two per-transaction secrets, derived (not stored) from the master key:
// - the client secret a browser uses to join the transaction's Socket.io room;
// - the callback token in the CallBackURL we give Safaricom, so a caller who guesses or sees
//   a CheckoutRequestID still cannot post an outcome for it.
import { deriveKey, keyedTag, safeEqual } from './secret-box';

export interface TransactionSecrets {
  clientSecret(transactionId: string): string;
  isClientSecret(transactionId: string, candidate: string): boolean;
  callbackToken(transactionId: string): string;
  isCallbackToken(transactionId: string, candidate: string): boolean;
}

export function createTransactionSecrets(masterKey: Buffer): TransactionSecrets {
  const clientKey = deriveKey(masterKey, 'client-secret');
  const callbackKey = deriveKey(masterKey, 'callback-token');
  const clientSecret = (id: string) => `cs_${keyedTag(clientKey, id)}`;
  const callbackToken = (id: string) => keyedTag(callbackKey, id);
  return {
    clientSecret,
    isClientSecret: (id, candidate) => safeEqual(clientSecret(id), candidate),
    callbackToken,
    isCallbackToken: (id, candidate) => safeEqual(callbackToken(id), candidate),
  };
}
