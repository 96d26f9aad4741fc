// What an account looks like from outside: credentials masked to their last four characters,
// the mode it serves, never a secret. Typed by the documented schema.
import { modeOf, type Environment } from '../core/scope';
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
  open: { consumerKey: string; consumerSecret: string; passkey: string; initiatorCredential: string | null },
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
    initiatorCredential: masked(open.initiatorCredential),
    isDefault: row.isDefault,
    disabledAt: row.disabledAt?.toISOString() ?? null,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}
