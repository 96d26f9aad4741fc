// What an account looks like from outside: credentials masked to their last four characters,
// the mode it serves, never a secret. Typed by the documented schema.
import { modeOf, type Environment } from '../core/scope';
import { parseCertificate } from '../core/certificate';
import type { AccountRow } from './account.repository';
import type { AccountView } from '../core/project.view';

export type { AccountView };

/** `••••Vs0V`: enough to tell two credentials apart, not enough to use one. */
export function masked(value: string | null): string | null {
  if (value === null) return null;
  return `••••${value.length > 8 ? value.slice(-4) : ''}`;
}

export function toAccountView(
  row: AccountRow,
  open: {
    consumerKey: string;
    consumerSecret: string;
    passkey: string;
    initiatorPassword: string | null;
    initiatorCredential: string | null;
  },
): AccountView {
  return {
    id: row.id,
    name: row.name,
    environment: row.environment as Environment,
    mode: modeOf(row.environment as Environment),
    shortcode: row.shortcode,
    tillNumber: row.tillNumber,
    consumerKey: masked(open.consumerKey),
    consumerSecret: masked(open.consumerSecret),
    passkey: masked(open.passkey),
    initiatorName: row.initiatorName,
    initiatorPassword: masked(open.initiatorPassword),
    initiatorCredential: masked(open.initiatorCredential),
    securityCertificate: certificateSummary(row.securityCertificate),
    isDefault: row.isDefault,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** Which certificate, without the certificate: it was checked when saved. */
function certificateSummary(pem: string | null): AccountView['securityCertificate'] {
  if (pem === null) return null;
  const certificate = parseCertificate(pem);
  return { fingerprint: certificate.fingerprint, validTo: certificate.validTo.toISOString() };
}
