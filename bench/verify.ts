// Proof that the callbacks did everything a real one does: read back from the server's
// database after the load. Only the bench's own callbacks were posted during the run, so
// whole-table counts are exact.
import { openDatabase } from '../src/db/database';

export interface Settled {
  completed: number;
  appliedRecords: number;
}

export async function countSettled(databaseUrl: string): Promise<Settled> {
  const database = await openDatabase(databaseUrl);
  try {
    const { qb } = database;
    const count = async (query: Parameters<typeof database.first<{ count: number }>>[0]) => Number((await database.first(query))?.count ?? 0);
    const completed = await count(qb.selectFrom('Transaction').select((eb) => eb.fn.countAll<number>().as('count')).where('status', '=', 'completed'));
    const appliedRecords = await count(qb.selectFrom('CallbackRecord').select((eb) => eb.fn.countAll<number>().as('count')).where('outcome', '=', 'applied'));
    return { completed, appliedRecords };
  } finally {
    await database.close();
  }
}
