// A batch's rows read and checked before anything is stored: every row is an ordinary payout
// request (createPayoutBody), and a batch with one bad row is refused whole, naming every bad
// row by its line and field (docs/payouts.md "Batches"). A CSV is read by csv-parse (RFC 4180
// quoting); its first line names the columns, so its rows start at line 2. A JSON row's line is
// its place in `rows`, from 1.
import { parse } from 'csv-parse/sync';
import { AppError } from '../errors';
import { parseOrThrow } from '../validation';
import { createPayoutBody, type CreatePayoutInput } from '../payments/payout.schema';

/** How many rows one batch may hold: enough for a payroll, small enough to check in one request. */
export const MAX_BATCH_ROWS = 1000;

/** The CSV columns a batch reads; `reference` is kept in the payout's metadata. */
export const CSV_COLUMNS = [
  'phone',
  'amount',
  'purpose',
  'remarks',
  'occasion',
  'reference',
  'paybill',
  'accountNumber',
  'till',
] as const;

export interface BadRow {
  line: number;
  fields: { field: string; message: string }[];
}

export interface BatchRow {
  line: number;
  input: CreatePayoutInput;
}

/** The one refusal of a batch with bad rows: every bad row, nothing stored or sent. */
export function invalidBatch(bad: readonly BadRow[], total: number): AppError {
  const first = bad[0]!;
  const field = first.fields[0]!;
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad rows in details.rows)` : '';
  return new AppError(
    'payout_batch_invalid',
    `Line ${first.line}: ${field.field} ${field.message}${more}; nothing was sent`,
    { rows: bad.slice(0, 100), badRows: bad.length, rowCount: total },
  );
}

/** A CSV's rows as payout requests, keyed by their line; throws payout_batch_invalid. */
export function rowsOfCsv(csv: string): { line: number; value: Record<string, unknown> }[] {
  let records: { record: Record<string, string>; info: { lines: number } }[];
  try {
    records = parse(csv, {
      columns: (header: string[]) => header.map((name) => name.trim()),
      skip_empty_lines: true,
      trim: true,
      info: true,
      bom: true,
    }) as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    const message = error instanceof Error ? error.message.replace(/^Invalid \w+ \w+:?\s*/, '') : '';
    throw invalidBatch([{ line, fields: [{ field: '(csv)', message: `cannot be read: ${message}` }] }], 0);
  }
  const header = records[0] ? Object.keys(records[0].record) : [];
  const unknown = header.filter((name) => !(CSV_COLUMNS as readonly string[]).includes(name));
  if (unknown.length > 0)
    throw invalidBatch(
      [
        {
          line: 1,
          fields: unknown.map((name) => ({
            field: name.slice(0, 50),
            message: `is not a column a batch reads (${CSV_COLUMNS.join(', ')})`,
          })),
        },
      ],
      records.length,
    );
  return records.map(({ record, info }) => ({ line: info.lines, value: requestOfCsv(record) }));
}

/** One CSV record as the JSON a single payout would send: empty cells left out, amount a number. */
function requestOfCsv(record: Record<string, string>): Record<string, unknown> {
  const value: Record<string, unknown> = {};
  for (const [name, cell] of Object.entries(record)) {
    if (cell === '') continue;
    if (name === 'amount') value.amount = /^\d+$/.test(cell) ? Number(cell) : cell;
    else if (name === 'reference') value.metadata = { reference: cell };
    else value[name] = cell;
  }
  return value;
}

/** One row as checked: its payout request, or what is wrong with it. */
export interface JudgedRow {
  line: number;
  value: unknown;
  input?: CreatePayoutInput;
  fields: BadRow['fields'];
}

/** Every row checked as a payout of its own, and against the per-payout cap. Pure. */
export function judgeRows(
  rows: readonly { line: number; value: unknown }[],
  perPayoutMax: number,
): JudgedRow[] {
  return rows.map(({ line, value }) => {
    const fields: BadRow['fields'] = [];
    let input: CreatePayoutInput | undefined;
    try {
      input = parseOrThrow(createPayoutBody, value ?? null, 'body');
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const listed = (error.details?.fields ?? []) as { field: string; message: string }[];
      fields.push(...listed.map(({ field, message }) => ({ field, message })));
      if (fields.length === 0) fields.push({ field: '(row)', message: error.message });
    }
    if (input?.account !== undefined)
      fields.push({ field: 'account', message: 'is given once, for the whole batch' });
    if (input && input.amount > perPayoutMax)
      fields.push({ field: 'amount', message: `is over the per-payout cap of KES ${perPayoutMax}` });
    return fields.length > 0 ? { line, value, fields } : { line, value, input, fields };
  });
}

/** The rows' size bounds: at least one, at most MAX_BATCH_ROWS; throws payout_batch_invalid. */
export function requireBatchSize(rows: readonly { line: number }[]): void {
  if (rows.length === 0)
    throw invalidBatch(
      [{ line: 1, fields: [{ field: 'rows', message: 'must hold at least one payout' }] }],
      0,
    );
  if (rows.length > MAX_BATCH_ROWS)
    throw invalidBatch(
      [
        {
          line: rows[MAX_BATCH_ROWS]!.line,
          fields: [{ field: 'rows', message: `must be at most ${MAX_BATCH_ROWS}` }],
        },
      ],
      rows.length,
    );
}

/**
 * Every row checked; the rows, or the one refusal listing every bad row. `account` is the
 * batch's: a row naming one is a bad row.
 */
export function checkRows(
  rows: readonly { line: number; value: unknown }[],
  perPayoutMax: number,
): BatchRow[] {
  requireBatchSize(rows);
  const judged = judgeRows(rows, perPayoutMax);
  const bad = judged.filter((row) => row.fields.length > 0).map(({ line, fields }) => ({ line, fields }));
  if (bad.length > 0) throw invalidBatch(bad, rows.length);
  return judged.map(({ line, input }) => ({ line, input: input! }));
}
