// Results Safaricom posts about refunds and balance checks, stored before they are acknowledged
// (like payouts' in PayoutResult): written first, applied next, marked processed last; one
// still unprocessed after a failure or a crash is applied by the next sweep.
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { MoneyResult } from '../db/database.types';
import { AppError, DATABASE_RETRY_AFTER_SECONDS } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';

export type MoneyResultRow = Selectable<MoneyResult>;
export type MoneySubject = 'refund' | 'balance';

export async function insertMoneyResult(q: Queryable, row: MoneyResultRow): Promise<void> {
  await q.run(q.qb.insertInto('MoneyResult').values(row));
}

/**
 * Stores a result as it arrived, unprocessed; resolves with its id once it is safe to
 * acknowledge. Not stored: a 503 with Retry-After, so Safaricom sends it again.
 */
export async function storeArrivedMoneyResult(
  q: Queryable,
  logger: Logger,
  arrived: {
    subject: MoneySubject;
    subjectId: string | null;
    kind: string;
    sourceIp: string;
    rawBody: Buffer;
  },
  at: Date,
): Promise<string> {
  const id = newId('mres', at);
  try {
    await insertMoneyResult(q, { id, ...arrived, outcome: null, receivedAt: at, processedAt: null });
  } catch (error) {
    logger.error(`${arrived.subject} result refused: not stored (answered 503)`, { resultId: id, error });
    throw new AppError('service_unavailable', 'The result could not be stored; send it again', undefined, {
      'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
    });
  }
  return id;
}

export async function markMoneyResult(q: Queryable, id: string, outcome: string, at: Date): Promise<void> {
  await q.run(q.qb.updateTable('MoneyResult').set({ outcome, processedAt: at }).where('id', '=', id));
}

export function listUnprocessedMoneyResults(
  q: Queryable,
  subject: MoneySubject,
  limit: number,
): Promise<MoneyResultRow[]> {
  return q.all(
    q.qb
      .selectFrom('MoneyResult')
      .selectAll()
      .where('processedAt', 'is', null)
      .where('subject', '=', subject)
      .orderBy('id')
      .limit(limit),
  );
}

export function listMoneyResults(q: Queryable, subjectId: string): Promise<MoneyResultRow[]> {
  return q.all(q.qb.selectFrom('MoneyResult').selectAll().where('subjectId', '=', subjectId).orderBy('id'));
}
