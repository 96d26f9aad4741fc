// A batch's outcome as CSV, a line per row: what a spreadsheet needs to reconcile it with the
// payroll it came from (its line and reference), written as every export is (src/core/csv.ts).
import { csvField } from '../core/csv';
import type { PayoutRow } from '../payments/payout.repository';

export const EXPORT_COLUMNS = [
  'line',
  'payoutId',
  'phone',
  'paybill',
  'till',
  'amount',
  'status',
  'mpesaReceiptNumber',
  'receiverName',
  'reasonCode',
  'reasonMessage',
  'reference',
] as const;

/** The rows (by line) as RFC 4180 CSV with CRLF line ends. Pure. */
export function outcomeCsv(rows: readonly PayoutRow[]): string {
  const lines = [EXPORT_COLUMNS.join(',')];
  for (const row of rows) {
    const metadata = row.metadata ? (JSON.parse(row.metadata) as Record<string, unknown>) : {};
    const values = [
      row.batchLine,
      row.id,
      row.phone === '' ? null : row.phone,
      row.channel === 'b2b_paybill' ? row.recipientShortcode : null,
      row.channel === 'b2b_till' ? row.recipientShortcode : null,
      row.amount,
      row.status,
      row.mpesaReceiptNumber,
      row.receiverName,
      row.reasonCode,
      row.reasonMessage,
      typeof metadata.reference === 'string' ? metadata.reference : null,
    ];
    lines.push(values.map((value) => csvField(value)).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}
