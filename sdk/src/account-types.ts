// M-Pesa accounts as the SDK's callers see them. Kept by hand in step with
// src/accounts/account.schema.ts; tests/sdk/view-types.test.ts fails when they drift apart.

export type Environment = 'simulator' | 'sandbox' | 'production';
export type Mode = 'test' | 'live';

/** A Daraja account of the project. Credentials are write-only: at most their last four characters come back. */
export interface MpesaAccount {
  /** `acc_…` */
  id: string;
  name: string;
  environment: Environment;
  /** `test` for simulator and sandbox, `live` for production: which key pair manages it. */
  mode: Mode;
  /** The PayBill, or for a till the Head Office (store) shortcode its passkey was issued for. */
  shortcode: string;
  /** The till customers pay with `channel: "till"`. */
  tillNumber: string | null;
  /** Masked, e.g. `••••Vs0V`. */
  consumerKey: string | null;
  consumerSecret: string | null;
  passkey: string | null;
  /** The initiator of Transaction Status (an M-Pesa org portal API user). */
  initiatorName: string | null;
  /** Masked. */
  initiatorPassword: string | null;
  /** Masked: a ready-made SecurityCredential, used when there is no password. */
  initiatorCredential: string | null;
  /** The account's own certificate (else its environment's is used). */
  securityCertificate: { fingerprint: string; validTo: string } | null;
  /** Used by initiates of its mode that name no `account`. */
  isDefault: boolean;
  /** ISO 8601: when it was disabled (it takes no new payment); null while enabled. */
  disabledAt: string | null;
  /** ISO 8601. */
  createdAt: string;
  updatedAt: string;
}

export interface CreateMpesaAccountInput {
  name: string;
  /** Must match the key's mode: a test key adds `simulator` or `sandbox` accounts, a live key `production` ones. */
  environment: Environment;
  consumerKey: string;
  consumerSecret: string;
  shortcode: string;
  passkey: string;
  tillNumber?: string | null;
  initiatorName?: string | null;
  /** Encrypted into SecurityCredential at each call with the environment's certificate. */
  initiatorPassword?: string | null;
  initiatorCredential?: string | null;
  /** PEM; refused (`mpesa_certificate_invalid`) when it does not parse. */
  securityCertificate?: string | null;
  isDefault?: boolean;
}

export interface UpdateMpesaAccountInput {
  name?: string;
  consumerKey?: string;
  consumerSecret?: string;
  shortcode?: string;
  passkey?: string;
  tillNumber?: string | null;
  initiatorName?: string | null;
  initiatorPassword?: string | null;
  initiatorCredential?: string | null;
  securityCertificate?: string | null;
  /** `true` makes it the default of its mode. */
  isDefault?: true;
  /** `true` disables it (no new payment, no longer the default); `false` enables it again. */
  disabled?: boolean;
}

/** The answer of a live OAuth call with an account's credentials (`POST /api/v1/mpesa-accounts/:id/check`). */
export interface MpesaAccountCheck {
  accountId: string;
  environment: Environment;
  /** `accepted`: Daraja issued a token; `rejected`: it refused the credentials; `unreachable`: it did not answer. */
  verdict: 'accepted' | 'rejected' | 'unreachable';
  accepted: boolean;
  /** Our error code when not accepted. */
  code: string | null;
  darajaHttpStatus?: number | null;
  /** The verdict in words, with what to do about it. */
  message: string;
  /** ISO 8601. */
  checkedAt: string;
  latencyMs: number;
}
