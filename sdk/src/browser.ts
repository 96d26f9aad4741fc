// Browser entry: `import { subscribeToTransaction } from '@mpesa-bridge/sdk/browser'`.
// Follows one payment with the client secret your backend handed over; never the secret key.
export {
  CLIENT_SECRET_HEADER,
  subscribeToTransaction,
  type SubscribeOptions,
  type TransactionSubscription,
} from './realtime.js';
export { MpesaBridgeError, type ErrorCode } from './errors.js';
export {
  FINAL_STATUSES,
  TRANSACTION_STATUSES,
  isFinalStatus,
  type ClientTransaction,
  type Failure,
  type FinalStatus,
  type TransactionStatus,
} from './types.js';
