// Proof that the callbacks did everything a real one does, read through the server's own
// database handle after the load: the run's own payments, not the seeded year (whose last
// hour overlaps the run).
import type { Database } from '../src/db/database';
import { BIG_PROJECT_ID } from './seed';

export interface Settled {
  completed: number;
  appliedRecords: number;
}

export async function countSettled(db: Database, since = new Date(Date.now() - 3_600_000)): Promise<Settled> {
  const { qb } = db;
  const completed = await db.first(
    qb
      .selectFrom('Transaction')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('status', '=', 'completed')
      .where('createdAt', '>=', since)
      .where('projectId', '!=', BIG_PROJECT_ID),
  );
  const applied = await db.first(
    qb
      .selectFrom('CallbackRecord')
      .select((eb) => eb.fn.countAll<number>().as('count'))
      .where('outcome', '=', 'applied')
      .where('receivedAt', '>=', since),
  );
  return { completed: Number(completed?.count ?? 0), appliedRecords: Number(applied?.count ?? 0) };
}
