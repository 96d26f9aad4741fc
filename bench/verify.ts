// Proof that the callbacks did everything a real one does: read back from the server's own
// database (a second connection to the SQLite file, after the load). Only the bench's own
// callbacks were posted during the run, so whole-table counts are exact.
import { openDatabase } from '../src/db/db.client';

export interface Settled {
  completed: number;
  appliedRecords: number;
}

export async function countSettled(databaseUrl: string): Promise<Settled> {
  const database = await openDatabase(databaseUrl);
  try {
    const completed = await database.prisma.transaction.count({ where: { status: 'completed' } });
    const appliedRecords = await database.prisma.callbackRecord.count({ where: { outcome: 'applied' } });
    return { completed, appliedRecords };
  } finally {
    await database.close();
  }
}
