// Every query about stored callbacks, on both engines. A callback is stored before it is
// acknowledged; `processedAt` marks the ones applied (or judged: orphan, unreadable).
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { CallbackRecord } from '../db/database.types';
import { idTimePart } from '../ids';
import { maskPhone } from '../logger';

export type CallbackRow = Selectable<CallbackRecord>;

/** What a stored callback is: an STK Push result, or a C2B confirmation or validation (issue 19). */
export const CALLBACK_KINDS = ['stk', 'c2b_confirmation', 'c2b_validation'] as const;
export type CallbackKind = (typeof CALLBACK_KINDS)[number];

export interface NewCallbackRecord {
  id: string;
  /** 'stk' when left out. */
  kind?: CallbackKind;
  /** The M-Pesa account a C2B URL's token vouched for. */
  accountId?: string | null;
  /** Why it was refused, or the reason of a validation's decision. */
  reason?: string | null;
  /** The payment the URL's token vouches for; null when there is none (an orphan). */
  transactionId: string | null;
  checkoutRequestId: string | null;
  sourceIp: string;
  /** The body's bytes, exactly as they came. */
  rawBody: Buffer;
  receivedAt: Date;
}

export async function insertCallbacks(
  tx: Queryable,
  records: ReadonlyArray<NewCallbackRecord & { outcome: string | null; processedAt: Date | null }>,
): Promise<void> {
  if (records.length > 0) await tx.run(tx.qb.insertInto('CallbackRecord').values([...records]));
}

/** Stores a callback unprocessed (applying it failed), for the sweep; its payment may not exist. */
export async function storeUnprocessedCallback(q: Queryable, record: NewCallbackRecord): Promise<void> {
  const known =
    record.transactionId !== null &&
    (await q.first(q.qb.selectFrom('Transaction').select('id').where('id', '=', record.transactionId)));
  await q.run(
    q.qb.insertInto('CallbackRecord').values({
      ...record,
      transactionId: known ? record.transactionId : null,
      outcome: null,
      processedAt: null,
    }),
  );
}

/** Claims stored callbacks still unprocessed (so two sweeps apply each once); returns the ids claimed. */
export async function claimStoredCallbacks(
  tx: Queryable,
  ids: readonly string[],
  now: Date,
): Promise<string[]> {
  if (ids.length === 0) return [];
  const claimed = await tx.all(
    tx.qb
      .updateTable('CallbackRecord')
      .set({ processedAt: now })
      .where('id', 'in', [...ids])
      .where('processedAt', 'is', null)
      .returning('id'),
  );
  return claimed.map((row) => row.id);
}

export async function setCallbackOutcome(tx: Queryable, id: string, outcome: string): Promise<void> {
  await tx.run(tx.qb.updateTable('CallbackRecord').set({ outcome }).where('id', '=', id));
}

/**
 * Oldest first, of one kind (the STK sweep and the C2B sweep each read their own); found
 * through the partial index on unprocessed rows (migration 0002).
 */
export function listUnprocessedCallbacks(
  q: Queryable,
  limit: number,
  kind: CallbackKind = 'stk',
): Promise<Array<Pick<CallbackRow, 'id' | 'transactionId' | 'accountId' | 'rawBody' | 'sourceIp'>>> {
  return q.all(
    q.qb
      .selectFrom('CallbackRecord')
      .select(['id', 'transactionId', 'accountId', 'rawBody', 'sourceIp'])
      .where('processedAt', 'is', null)
      .where('kind', '=', kind)
      .orderBy('id')
      .limit(limit),
  );
}

/** A callback judged without touching a payment (refused, or a validation's decision): stored processed. */
export async function storeJudgedCallback(
  q: Queryable,
  record: NewCallbackRecord,
  judgement: { outcome: string; reason: string | null },
  now: Date,
): Promise<void> {
  await q.run(
    q.qb.insertInto('CallbackRecord').values({
      ...record,
      outcome: judgement.outcome,
      reason: judgement.reason,
      processedAt: now,
    }),
  );
}

/** A stored callback's outcome and reason once judged (the sweep of C2B confirmations). */
export async function setCallbackJudgement(
  tx: Queryable,
  id: string,
  judgement: { outcome: string; reason: string | null; transactionId?: string | null },
): Promise<void> {
  await tx.run(tx.qb.updateTable('CallbackRecord').set(judgement).where('id', '=', id));
}

export function listTransactionCallbacks(q: Queryable, transactionId: string): Promise<CallbackRow[]> {
  return q.all(
    q.qb.selectFrom('CallbackRecord').selectAll().where('transactionId', '=', transactionId).orderBy('id'),
  );
}

/**
 * Deletes up to `limit` processed callbacks received before `before` (ids are time-ordered, so
 * this walks the primary key); unprocessed ones are kept whatever their age.
 */
export async function pruneProcessedCallbacks(q: Queryable, before: Date, limit: number): Promise<number> {
  const old = q.qb
    .selectFrom('CallbackRecord')
    .select('id')
    .where('id', '<', idTimePart('cbk', before))
    .where('processedAt', 'is not', null)
    .limit(limit);
  return q.run(q.qb.deleteFrom('CallbackRecord').where('id', 'in', old));
}

/** How much of a callback's body a receipt shows. */
const RECEIPT_BODY_BYTES = 4096;

/**
 * A callback's body for people to read: phone numbers masked. JSON stays JSON (a masked number
 * becomes a string); anything else is masked as text. Cut at RECEIPT_BODY_BYTES.
 */
export function receiptBody(rawBody: Buffer): string {
  const text = rawBody.toString('utf8');
  let shown: string;
  try {
    shown = JSON.stringify(JSON.parse(text), (_key, value: unknown) => {
      if (typeof value === 'string') return maskPhone(value);
      if (typeof value === 'number' && Number.isInteger(value) && maskPhone(String(value)) !== String(value))
        return maskPhone(String(value));
      return value;
    });
  } catch {
    shown = maskPhone(text);
  }
  return shown.length > RECEIPT_BODY_BYTES ? `${shown.slice(0, RECEIPT_BODY_BYTES)}…` : shown;
}
