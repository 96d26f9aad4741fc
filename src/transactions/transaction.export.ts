// CSV export of a filtered set of payments, streamed: keyset pages of EXPORT_PAGE rows, each
// written before the next is read, waiting for the client to drain. Memory stays constant
// whether the set has ten rows or a million.
import { csvField } from '../core/csv';
import type { Writable } from 'node:stream';
import type { Queryable } from '../db/database';
import type { Scope } from '../core/scope';
import {
  listTransactions,
  type TransactionFilters,
  type TransactionRow,
} from '../payments/transaction.repository';
import { toMerchantView } from '../payments/transaction.view';

const EXPORT_PAGE = 250;

export const CSV_COLUMNS = [
  'id',
  'createdAt',
  'status',
  'amount',
  'amountPaid',
  'phone',
  'accountReference',
  'description',
  'mpesaReceiptNumber',
  'failureCode',
  'resultCode',
  'resultDesc',
  'settledAt',
  'settledBy',
  'checkoutRequestId',
  'origin',
] as const;

export { csvField };

function csvRow(row: TransactionRow): string {
  const view = toMerchantView(row);
  const values: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
    id: view.id,
    createdAt: view.createdAt,
    status: view.status,
    amount: view.amount,
    amountPaid: view.amountPaid,
    phone: view.phone,
    accountReference: view.accountReference,
    description: view.description,
    mpesaReceiptNumber: view.mpesaReceiptNumber,
    failureCode: view.failure?.code ?? null,
    resultCode: row.resultCode,
    resultDesc: row.resultDesc,
    settledAt: view.settledAt,
    settledBy: row.settledBy,
    checkoutRequestId: view.checkoutRequestId,
    origin: view.origin,
  };
  return `${CSV_COLUMNS.map((column) => csvField(values[column])).join(',')}\r\n`;
}

/** Writes the header and every matching row, newest first; resolves with the row count. Stops early when `out` is destroyed (the client left). */
export async function streamTransactionsCsv(
  q: Queryable,
  scope: Scope,
  filters: Omit<TransactionFilters, 'limit' | 'before'>,
  out: Writable,
): Promise<number> {
  const write = async (chunk: string) => {
    if (out.write(chunk)) return;
    // Wait for the client to take it, or to leave; either way both listeners go.
    await new Promise<void>((resolve) => {
      const done = () => {
        out.off('drain', done);
        out.off('close', done);
        resolve();
      };
      out.on('drain', done);
      out.on('close', done);
    });
  };
  await write(`${CSV_COLUMNS.join(',')}\r\n`);
  let before: string | undefined;
  let count = 0;
  while (!out.destroyed) {
    const page = await listTransactions(q, scope, { ...filters, before, limit: EXPORT_PAGE });
    if (page.length === 0) break;
    await write(page.map(csvRow).join(''));
    count += page.length;
    // Let everything else waiting run between pages: on SQLite each page is read synchronously,
    // and a client that takes bytes as fast as they come never makes `write` wait, so without
    // this a million-row export held /health and every other tenant's request until it ended.
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (page.length < EXPORT_PAGE) break;
    before = page[page.length - 1]!.id;
  }
  return count;
}
