// The ledger's queries for C2B confirmations (c2b.receive.ts), on both engines: who already
// holds a receipt, which open payment requests a bill reference may name, and the insert of a
// walk-in payment that a repeated TransID cannot double.
import type { Queryable } from '../db/database';
import type { Scope } from '../core/scope';
import type { NewTransaction, TransactionRow } from './transaction.repository';

/** How many open requests with one reference are weighed at most (a reference reused by every order is not a match). */
const MAX_CANDIDATES = 20;

/**
 * The payment of this project and mode that already holds receipt `transId`: one a C2B
 * confirmation made or settled (c2bTransId, unique), or one an STK callback or query completed
 * with that receipt (mpesaReceiptNumber). Each is one index lookup.
 */
export async function findReceiptHolder(
  q: Queryable,
  scope: Scope,
  transId: string,
): Promise<TransactionRow | undefined> {
  const byC2b = await q.first(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('c2bTransId', '=', transId),
  );
  if (byC2b) return byC2b;
  return q.first(
    q.qb
      .selectFrom('Transaction')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('mpesaReceiptNumber', '=', transId)
      .orderBy('id')
      .limit(1),
  );
}

/**
 * The payments of this project and mode that hold any of `receipts`, by C2B TransID or by the
 * receipt an STK callback gave: one statement for a settlement batch (transaction.same-receipt.ts),
 * two index seeks joined by UNION ALL (a payment holding a receipt both ways comes twice, which
 * the caller's sets absorb). As one `OR` SQLite read every payment of the project instead.
 */
export function listReceiptHolders(
  q: Queryable,
  scope: Scope,
  receipts: readonly string[],
): Promise<Array<{ id: string; mpesaReceiptNumber: string | null; c2bTransId: string | null }>> {
  const holding = (column: 'mpesaReceiptNumber' | 'c2bTransId') =>
    q.qb
      .selectFrom('Transaction')
      .select(['id', 'mpesaReceiptNumber', 'c2bTransId'])
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where(column, 'in', [...receipts]);
  return q.all(holding('mpesaReceiptNumber').unionAll(holding('c2bTransId')));
}

/**
 * Payment requests of the account that a bill reference may settle: not completed, started by
 * us (a prompt), created after `since`, whose accountReference is one of `references` (the
 * reference as typed, and in upper and lower case: customers type it on a phone keypad); the
 * newest `MAX_CANDIDATES`. One read per spelling, each an equality on the (projectId, mode,
 * accountReference, id) index that also gives the order: with the spellings as one `IN`, SQLite
 * walks (projectId, mode, id) instead, every payment of the window (a week of a busy till) for
 * each confirmation.
 */
export async function listOpenRequests(
  q: Queryable,
  scope: Scope,
  accountId: string,
  references: readonly string[],
  since: string,
): Promise<TransactionRow[]> {
  const found: TransactionRow[] = [];
  for (const reference of new Set(references))
    found.push(
      ...(await q.all(
        q.qb
          .selectFrom('Transaction')
          .selectAll()
          .where('projectId', '=', scope.projectId)
          .where('mode', '=', scope.mode)
          .where('accountReference', '=', reference)
          .where('id', '>=', since)
          .where('accountId', '=', accountId)
          .where('origin', '=', 'stk_push')
          .where('status', '!=', 'completed')
          .orderBy('id', 'desc')
          .limit(MAX_CANDIDATES),
      )),
    );
  return found.sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, MAX_CANDIDATES);
}

/**
 * Inserts a walk-in payment unless its TransID is already in the project and mode (another
 * instance, or the same confirmation twice, got there first): resolves with whether it did.
 */
export async function insertC2bPayment(tx: Queryable, row: NewTransaction): Promise<boolean> {
  const inserted = await tx.all(
    tx.qb
      .insertInto('Transaction')
      .values(row)
      .onConflict((oc) => oc.columns(['projectId', 'mode', 'c2bTransId']).doNothing())
      .returning('id'),
  );
  return inserted.length === 1;
}
