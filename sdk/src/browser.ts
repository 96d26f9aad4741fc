// Browser entry: `import { subscribeToTransaction } from '@mpesa-bridge/sdk/browser'`.
// Follows one payment with the client secret your backend handed over; never the secret key.
// loadCheckoutButton opens the hosted checkout page in an overlay (the public key only).
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
  isSettled,
  type ClientTransaction,
  type Failure,
  type FinalStatus,
  type TransactionStatus,
} from './types.js';
export {
  loadCheckoutButton,
  type CheckoutButton,
  type CheckoutEventDetail,
  type CheckoutEventType,
} from './checkout-button.js';
