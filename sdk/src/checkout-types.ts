// Payment links and checkout sessions (docs/checkout.md), as the service answers them.
import type { Transaction } from './types.js';

export type PaymentLinkState = 'active' | 'disabled' | 'expired' | 'used_up';
export type PaymentLinkAmountType = 'fixed' | 'range' | 'open';

export interface PaymentLink {
  id: string;
  slug: string;
  /** The page customers open (`/l/{slug}`). */
  url: string;
  qr: { svg: string; png: string };
  mode: 'test' | 'live';
  state: PaymentLinkState;
  title: string;
  description: string | null;
  amountType: PaymentLinkAmountType;
  amount: number | null;
  minAmount: number | null;
  maxAmount: number | null;
  maxUses: number | null;
  /** Checkouts paid through it. */
  uses: number;
  expiresAt: string | null;
  referenceTemplate: string | null;
  referenceLabel: string | null;
  paymentDescription: string | null;
  metadata: Record<string, unknown> | null;
  redirectUrl: string | null;
  accountId: string | null;
  disabledAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface CreatePaymentLinkInput {
  title: string;
  description?: string;
  /** A fixed amount; or minAmount and maxAmount for a range; or neither for any amount. */
  amount?: number;
  minAmount?: number;
  maxAmount?: number;
  /** Paid checkouts it takes; unlimited when left out or null. */
  maxUses?: number | null;
  /** ISO 8601, in the future. */
  expiresAt?: string;
  /** `INV-{n}`: each checkout numbered; `PAY-{n}` by default. */
  referenceTemplate?: string;
  /** Instead of a template: the customer types the reference under this label. */
  referenceLabel?: string;
  paymentDescription?: string;
  metadata?: Record<string, unknown>;
  redirectUrl?: string;
  account?: string;
  slug?: string;
}

export interface UpdatePaymentLinkInput {
  title?: string;
  description?: string | null;
  disabled?: boolean;
  maxUses?: number | null;
  expiresAt?: string | null;
  redirectUrl?: string | null;
}

export type CheckoutSessionState = 'open' | 'pending' | 'paid' | 'expired';

export interface CheckoutSession {
  id: string;
  /** The hosted page; its fragment carries the client secret. */
  url: string;
  clientSecret: string;
  expiresAt: string;
  state: CheckoutSessionState;
  mode: 'test' | 'live';
  amount: number;
  accountReference: string;
  title: string | null;
  description: string | null;
  metadata: Record<string, unknown> | null;
  successUrl: string | null;
  cancelUrl: string | null;
  linkId: string | null;
  transactionIds: string[];
  paidTransactionId: string | null;
  createdAt: string;
}

export interface CreateCheckoutSessionInput {
  amount: number;
  accountReference: string;
  title?: string;
  description?: string;
  metadata?: Record<string, unknown>;
  /** 60 to 604800; 24 h when left out. */
  expiresInSeconds?: number;
  successUrl?: string;
  cancelUrl?: string;
  account?: string;
}

export interface PaymentLinkPage {
  data: PaymentLink[];
  nextCursor: string | null;
}

export interface PaymentLinkPaymentsPage {
  data: Transaction[];
  nextCursor: string | null;
}
