// A project's payout safety settings, per mode, and the defaults a project has until an
// operator changes them. Money out is the most dangerous thing this service can do: a leaked
// secret key must not be able to drain an account. So payouts are off until an operator turns
// them on, each payout and each day is capped, and live payouts wait for a second person by
// default (docs/payouts.md "Safety settings").
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { PayoutSettings } from '../db/database.types';
import type { Mode, Scope } from '../core/scope';
import { B2C_MAX_AMOUNT } from '../payments/payout.states';

export const APPROVAL_POLICIES = ['all', 'above', 'none'] as const;
export type ApprovalPolicy = (typeof APPROVAL_POLICIES)[number];

export interface Settings {
  enabled: boolean;
  /** KES, at most Daraja's 250,000. */
  perPayoutMax: number;
  /** KES asked to pay out per day (East Africa Time), failed payouts not counted. */
  dailyMax: number;
  approval: ApprovalPolicy;
  /** With `above`: payouts of more than this many KES wait for approval. */
  approvalAbove: number | null;
  /** Addresses and CIDRs a signed payout request may come from; null: any. */
  allowedIps: readonly string[] | null;
  /** Who changed them last (`admin`, `user:<id>`); null: the defaults. */
  updatedBy: string | null;
  updatedAt: Date | null;
}

/**
 * The defaults, and why:
 * - off in both modes: turning money out on is an operator's deliberate act, not a side effect
 *   of holding a key;
 * - live: KES 10,000 a payout and KES 100,000 a day, every payout approved by a second person
 *   (four eyes), until the operator has seen enough of them to relax it;
 * - test: Daraja's own bounds (250,000 a payout) and a million a day, no approval: test keys pay
 *   out through the simulator only (src/payouts/payout.guard.ts), so nothing real moves.
 */
export const DEFAULT_SETTINGS: Readonly<Record<Mode, Settings>> = {
  live: {
    enabled: false,
    perPayoutMax: 10_000,
    dailyMax: 100_000,
    approval: 'all',
    approvalAbove: null,
    allowedIps: null,
    updatedBy: null,
    updatedAt: null,
  },
  test: {
    enabled: false,
    perPayoutMax: B2C_MAX_AMOUNT,
    dailyMax: 1_000_000,
    approval: 'none',
    approvalAbove: null,
    allowedIps: null,
    updatedBy: null,
    updatedAt: null,
  },
};

type SettingsRow = Selectable<PayoutSettings>;

function fromRow(row: SettingsRow): Settings {
  return {
    enabled: row.enabled,
    perPayoutMax: row.perPayoutMax,
    dailyMax: row.dailyMax,
    approval: row.approval as ApprovalPolicy,
    approvalAbove: row.approvalAbove,
    allowedIps: row.allowedIps ? (JSON.parse(row.allowedIps) as string[]) : null,
    updatedBy: row.updatedBy,
    updatedAt: row.updatedAt,
  };
}

/**
 * The settings of a scope. `lock`: inside a transaction on PostgreSQL, the row stays locked
 * until it ends, so two payouts of one project checking the daily cap queue up (SQLite has one
 * writer). A scope with no row has the defaults (payouts off: nothing to lock).
 */
export async function readSettings(q: Queryable, scope: Scope, lock = false): Promise<Settings> {
  let query = q.qb
    .selectFrom('PayoutSettings')
    .selectAll()
    .where('projectId', '=', scope.projectId)
    .where('mode', '=', scope.mode);
  if (lock && q.engine === 'postgres') query = query.forUpdate();
  const row = await q.first(query);
  return row ? fromRow(row) : DEFAULT_SETTINGS[scope.mode];
}

export async function writeSettings(
  q: Queryable,
  scope: Scope,
  settings: Omit<Settings, 'updatedBy' | 'updatedAt'>,
  by: string,
  at: Date,
): Promise<Settings> {
  const values = {
    enabled: settings.enabled,
    perPayoutMax: settings.perPayoutMax,
    dailyMax: settings.dailyMax,
    approval: settings.approval,
    approvalAbove: settings.approvalAbove,
    allowedIps: settings.allowedIps ? JSON.stringify(settings.allowedIps) : null,
    updatedBy: by,
    updatedAt: at,
  };
  await q.run(
    q.qb
      .insertInto('PayoutSettings')
      .values({ projectId: scope.projectId, mode: scope.mode, ...values })
      .onConflict((conflict) => conflict.columns(['projectId', 'mode']).doUpdateSet(values)),
  );
  return { ...settings, updatedBy: by, updatedAt: at };
}

/** Whether a payout of `amount` waits for a second person under `settings`. */
export function needsApproval(settings: Settings, amount: number): boolean {
  if (settings.approval === 'all') return true;
  if (settings.approval === 'above') return amount > (settings.approvalAbove ?? 0);
  return false;
}

const EAT_OFFSET_MS = 3 * 3600_000;

/** The start of `now`'s day in East Africa Time (Kenya has no daylight saving): the daily cap's window. */
export function startOfEatDay(now: Date): Date {
  const eat = now.getTime() + EAT_OFFSET_MS;
  return new Date(eat - (eat % 86_400_000) - EAT_OFFSET_MS);
}
