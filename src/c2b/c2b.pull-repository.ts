// The queries of Pull Transactions (c2b.pull.ts), on both engines. One instance at a time pulls
// an account: it takes the account's lease with one compare-and-set update (free, or expired
// after a crash), renews it while it pages, and gives it back with what the pull did.
import type { Queryable } from '../db/database';
import type { Scope } from '../core/scope';
import type { C2bSettingRow } from './c2b.repository';

/** Accounts whose pull is due: opted in, C2B on, not pulled for `intervalMs`, lease free. */
export function listDuePulls(
  q: Queryable,
  now: Date,
  intervalMs: number,
  limit: number,
): Promise<C2bSettingRow[]> {
  const dueBefore = new Date(now.getTime() - intervalMs);
  return q.all(
    q.qb
      .selectFrom('C2bSetting')
      .selectAll()
      .where('pullEnabled', '=', true)
      .where('enabled', '=', true)
      .where((eb) => eb.or([eb('lastPullAt', 'is', null), eb('lastPullAt', '<=', dueBefore)]))
      .where((eb) => eb.or([eb('pullLeaseUntil', 'is', null), eb('pullLeaseUntil', '<', now)]))
      .orderBy('accountId')
      .limit(limit),
  );
}

/** Takes the account's lease unless another holder's is still running; the row when taken. */
export function claimPullLease(
  q: Queryable,
  accountId: string,
  owner: string,
  now: Date,
  leaseMs: number,
): Promise<C2bSettingRow | undefined> {
  return q.first(
    q.qb
      .updateTable('C2bSetting')
      .set({ pullLeaseOwner: owner, pullLeaseUntil: new Date(now.getTime() + leaseMs) })
      .where('accountId', '=', accountId)
      .where('pullEnabled', '=', true)
      .where((eb) => eb.or([eb('pullLeaseUntil', 'is', null), eb('pullLeaseUntil', '<', now)]))
      .returningAll(),
  );
}

/** Extends a lease still held; false when it was lost (expired and taken by another). */
export async function renewPullLease(
  q: Queryable,
  accountId: string,
  owner: string,
  until: Date,
): Promise<boolean> {
  const renewed = await q.all(
    q.qb
      .updateTable('C2bSetting')
      .set({ pullLeaseUntil: until })
      .where('accountId', '=', accountId)
      .where('pullLeaseOwner', '=', owner)
      .returning('accountId'),
  );
  return renewed.length === 1;
}

/** Gives the lease back with what the pull did. */
export async function releasePullLease(
  q: Queryable,
  accountId: string,
  owner: string,
  outcome: { at: Date; filled: number | null; error: string | null },
): Promise<void> {
  await q.run(
    q.qb
      .updateTable('C2bSetting')
      .set({
        pullLeaseOwner: null,
        pullLeaseUntil: null,
        lastPullAt: outcome.at,
        lastPullFilled: outcome.filled,
        lastPullError: outcome.error,
      })
      .where('accountId', '=', accountId)
      .where('pullLeaseOwner', '=', owner),
  );
}

/** Which of `receipts` a payment of the project and mode already holds (a confirmation's or an STK callback's). */
export async function heldReceipts(
  q: Queryable,
  scope: Scope,
  receipts: readonly string[],
): Promise<Set<string>> {
  if (receipts.length === 0) return new Set();
  const list = [...receipts];
  // One after the other: a SQLite handle runs one statement at a time anyway.
  const byC2b = await q.all(
    q.qb
      .selectFrom('Transaction')
      .select('c2bTransId as receipt')
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('c2bTransId', 'in', list),
  );
  const byReceipt = await q.all(
    q.qb
      .selectFrom('Transaction')
      .select('mpesaReceiptNumber as receipt')
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('mpesaReceiptNumber', 'in', list),
  );
  return new Set([...byC2b, ...byReceipt].map((row) => row.receipt).filter((r): r is string => r !== null));
}
