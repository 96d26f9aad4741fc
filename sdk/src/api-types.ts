// Types only: every response and request shape of the API, without the client code (nothing
// here imports Node or the network). The dashboard (a browser bundle) checks its calls with
// these: `import type { Transaction } from '@mpesa-bridge/sdk/types'`.
export type * from './types.js';
export type * from './webhook-types.js';
export type * from './payout-types.js';
export type * from './account-types.js';
export type * from './c2b-types.js';
export type * from './dashboard-types.js';
export type * from './checkout-types.js';
export type { ApiErrorCode, ErrorCode } from './errors.js';
export type * from './refund-types.js';
