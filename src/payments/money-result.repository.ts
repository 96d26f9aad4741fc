// Results Safaricom posts about refunds and balance checks, stored before they are acknowledged
// (like payouts' in PayoutResult): written first, applied next, marked processed last; one
// still unprocessed after a failure or a crash is applied by the next sweep.
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { MoneyResult } from '../db/database.types';

export type MoneyResultRow = Selectable<MoneyResult>;
export type MoneySubject = 'refund' | 'balance';

export async function insertMoneyResult(q: Queryable, row: MoneyResultRow): Promise<void> {
  await q.run(q.qb.insertInto('MoneyResult').values(row));
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
