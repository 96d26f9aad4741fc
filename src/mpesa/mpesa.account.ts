// An opened M-Pesa account: the credentials and numbers a Daraja call is made with. The
// accounts feature stores and opens them; the money flows ask for one through these ports,
// which composition (service.ts) fills with the accounts service.
import type { Environment, Scope } from '../core/scope';
import type { Initiator } from './mpesa.security-credential';

/** A Daraja account with its credentials open, for one call. `id` null: the deployment's own. */
export interface DarajaAccount {
  id: string | null;
  environment: Environment;
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
  tillNumber: string | null;
  /**
   * Whether its shortcode is a PayBill (CustomerPayBillOnline). An account with a till is a
   * till's Head Office number, which only takes CustomerBuyGoodsOnline (docs/daraja.md §2
   * "Tills"): its payments default to `channel: "till"`.
   */
  payBill: boolean;
}

/** The account a new payment collects into: the one named, or the scope's default. */
export interface PaymentAccounts {
  forPayment(scope: Scope, accountId: string | undefined): Promise<DarajaAccount>;
}

/** The account a stored payment was made with (null: the deployment's own). */
export interface TransactionAccounts {
  forTransaction(accountId: string | null): Promise<DarajaAccount>;
}

/** An account money leaves from, with its initiator opened (the SecurityCredential is made at call time). */
export interface PayoutAccount extends DarajaAccount {
  initiator: Initiator;
}

/** The account a payout pays from, and the one a stored payout was paid from (its Transaction Status goes there). */
export interface PayoutAccounts {
  forPayout(scope: Scope, accountId: string | undefined): Promise<PayoutAccount>;
  forStoredPayout(accountId: string | null): Promise<PayoutAccount>;
}

/** Whether Daraja accepts an account's consumer key and secret (an OAuth token is issued). */
export interface CredentialCheck {
  /** null: the deployment's own account. */
  accountId: string | null;
  name: string;
  environment: Environment;
  accepted: boolean;
  /** Why not: `mpesa_credentials_rejected`, `mpesa_unavailable`, … */
  code?: string;
  message?: string;
}

/** Asks Daraja about each account a scope's mode may use (diagnostics' `daraja_credentials`). */
export interface CredentialChecks {
  credentialChecks(scope: Scope): Promise<CredentialCheck[]>;
}

/**
 * The account an initiator call (Transaction Status; later B2C, reversals) goes through, with its
 * initiator opened: the one named, or the scope's default, as for payments.
 */
export interface InitiatorAccounts {
  forInitiator(
    scope: Scope,
    accountId: string | undefined,
  ): Promise<{ account: DarajaAccount; initiator: Initiator }>;
}
