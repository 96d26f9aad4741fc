// Values on their way into and out of either engine, so that both store the same thing and
// every repository sees the same JavaScript values.
//
// Text: PostgreSQL refuses NUL in text and a lone UTF-16 surrogate has no UTF-8 form, so a
// callback carrying either could be acknowledged and then never applied. Every string bound
// to a statement is made storable first, the same way on both engines (each bad code unit
// becomes U+FFFD). Our own inputs refuse such text at validation; this is for what Safaricom
// sends, whose exact bytes are kept separately (CallbackRecord.rawBody).
//
// SQLite has no date or boolean type: dates are ISO-8601 text in the format Prisma wrote
// before us (so old and new rows compare as text), booleans are 0/1. Rows are converted back
// by column name: tests/db/column-types.test.ts checks these lists against the schema.
export const DATE_COLUMNS: ReadonlySet<string> = new Set([
  'createdAt',
  'updatedAt',
  'settledAt',
  'pushFinishedAt',
  'receivedAt',
  'processedAt',
  'reconcileAt',
  'nextAttemptAt',
  'lockedUntil',
  'completedAt',
  'attemptedAt',
  'previousSecretExpiresAt',
  'failingSince',
  'deletedAt',
  'expiresAt',
  'disabledAt',
  'lastSeenAt',
  'decidedAt',
  'submittedAt',
  'answeredAt',
  'statusCheckAt',
  'retiredAt',
  'registeredAt',
  'lastErrorAt',
  'requestFinishedAt',
  'resolvedAt',
  'pullRegisteredAt',
  'pullLeaseUntil',
  'lastPullAt',
  'reversedAt',
  'nextSendAt',
]);
export const BOOLEAN_COLUMNS: ReadonlySet<string> = new Set([
  'enabled',
  'isDefault',
  'validationEnabled',
  'approvalRequired',
  'pullEnabled',
]);

const UNSTORABLE = /[\u0000\uD800-\uDFFF]/;

export function storableText(value: string): string {
  return UNSTORABLE.test(value) ? value.toWellFormed().replace(/\u0000/g, '\uFFFD') : value;
}

/** 2026-12-01T09:30:00.000+00:00, as Prisma writes DateTime to SQLite. */
export function sqliteDate(date: Date): string {
  return date.toISOString().replace('Z', '+00:00');
}

export function toSqliteParameter(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  if (value instanceof Date) return sqliteDate(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  return value;
}

export function toPostgresParameter(value: unknown): unknown {
  if (typeof value === 'string') return storableText(value);
  // Columns are `timestamp(3)` without zone holding UTC; PostgreSQL ignores the zone of a
  // literal cast to that type, so the UTC wall clock is what is stored, whatever TimeZone is.
  if (value instanceof Date) return value.toISOString();
  return value;
}

/**
 * Rows as one JSON parameter, for a statement that reads them as a typed row set
 * (json_populate_recordset(NULL::"Table", $1)): one parameter however many rows, so a batch is
 * one statement. Text is made storable as for any parameter; dates are ISO, read as UTC.
 */
export function postgresJsonRows(rows: readonly object[]): string {
  return JSON.stringify(rows, (_key, value: unknown) =>
    typeof value === 'string' ? storableText(value) : value,
  );
}

export function fromSqliteRow<R>(raw: Record<string, unknown>): R {
  for (const column of Object.keys(raw)) {
    const value = raw[column];
    if (value === null) continue;
    if (DATE_COLUMNS.has(column)) raw[column] = new Date(value as string);
    else if (BOOLEAN_COLUMNS.has(column)) raw[column] = value === 1;
  }
  return raw as R;
}
