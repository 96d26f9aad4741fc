// One search box for a person looking for a payment: whatever they paste (the receipt from the
// customer's SMS, the phone in any form, the order's account reference, our id, Daraja's
// CheckoutRequestID) is tried as each thing it could be, each try an indexed lookup in the
// project and mode, and the matches are merged newest first. Nothing is a substring scan: a
// search costs a few index reads whatever the table's size.
import { z } from 'zod';
import type { Queryable } from '../db/database';
import type { Scope } from '../core/scope';
import { expecting, text } from '../validation';
import { normalizeKenyanPhone } from '../payments/phone';
import { findProjectTransaction, listTransactions } from '../payments/transaction.repository';
import { toMerchantView, type TransactionRow } from '../payments/transaction.view';
import { merchantTransactionSchema } from '../payments/transaction.schema';

const QUERY = 'text of 1 to 100 characters';
const LIMIT = 'a whole number from 1 to 100';

export const searchQuery = z.strictObject({
  q: text(QUERY)
    .trim()
    .min(1, expecting(QUERY))
    .max(100, expecting(QUERY))
    .meta({
      description:
        'A receipt number (any case), a phone in any form (0712…, +254 712…, 712…), an account reference, a transaction id or a CheckoutRequestID.',
      examples: ['0712 345 678'],
    }),
  limit: z.coerce
    .number(expecting(LIMIT))
    .int(expecting(LIMIT))
    .min(1, expecting(LIMIT))
    .max(100, expecting(LIMIT))
    .default(20),
});
export type SearchQuery = z.output<typeof searchQuery>;

export const MATCH_KINDS = ['id', 'checkoutRequestId', 'receipt', 'phone', 'accountReference'] as const;
type MatchKind = (typeof MATCH_KINDS)[number];

export const searchResultSchema = z
  .object({
    data: z.array(merchantTransactionSchema).meta({ description: 'Newest first; at most `limit`.' }),
    matchedAs: z.array(z.enum(MATCH_KINDS)).meta({
      description: 'What the text was found as (receipt, phone, …), in that order.',
      examples: [['phone']],
    }),
  })
  .meta({ id: 'TransactionSearch' });

/** What the text could be, each with its lookup. */
function lookups(
  db: Queryable,
  scope: Scope,
  q: string,
  limit: number,
): Array<[MatchKind, Promise<TransactionRow[]>]> {
  const tries: Array<[MatchKind, Promise<TransactionRow[]>]> = [];
  const one = (row: Promise<TransactionRow | undefined>) => row.then((found) => (found ? [found] : []));
  if (/^txn_[0-9a-z]+$/.test(q)) tries.push(['id', one(findProjectTransaction(db, scope, q))]);
  // Daraja's CheckoutRequestIDs look like ws_CO_191220191020363925 (docs/daraja.md §2).
  if (/^ws_[0-9A-Za-z_]+$/i.test(q))
    tries.push([
      'checkoutRequestId',
      db.all(
        db.qb
          .selectFrom('Transaction')
          .selectAll()
          .where('checkoutRequestId', '=', q)
          .where('projectId', '=', scope.projectId)
          .where('mode', '=', scope.mode),
      ) as Promise<TransactionRow[]>,
    ]);
  if (/^[0-9A-Za-z]{6,20}$/.test(q))
    tries.push(['receipt', listTransactions(db, scope, { mpesaReceiptNumber: q.toUpperCase(), limit })]);
  const phone = normalizeKenyanPhone(q);
  if (phone) tries.push(['phone', listTransactions(db, scope, { phone, limit })]);
  if (q.length <= 12)
    tries.push(['accountReference', listTransactions(db, scope, { accountReference: q, limit })]);
  return tries;
}

export async function searchTransactions(db: Queryable, scope: Scope, { q, limit }: SearchQuery) {
  const tries = lookups(db, scope, q, limit);
  const found = await Promise.all(tries.map(([, rows]) => rows));
  const byId = new Map<string, TransactionRow>();
  const matchedAs: MatchKind[] = [];
  found.forEach((rows, index) => {
    if (rows.length > 0) matchedAs.push(tries[index]![0]);
    for (const row of rows) byId.set(row.id, row);
  });
  const rows = [...byId.values()].sort((a, b) => (a.id < b.id ? 1 : -1)).slice(0, limit);
  return { data: rows.map(toMerchantView), matchedAs };
}
