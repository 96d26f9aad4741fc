// Proof that the measured callbacks did everything a real one does: read back from the
// server's own database (a second connection to the SQLite file, after the load).
import { openDatabase } from '../src/db/db.client';

export interface Settled {
  completed: number;
  appliedRecords: number;
}

export async function countSettled(databaseUrl: string, transactionIds: readonly string[]): Promise<Settled> {
  const database = await openDatabase(databaseUrl);
  try {
    const ids = [...transactionIds];
    const completed = await database.prisma.transaction.count({ where: { id: { in: ids }, status: 'completed' } });
    const appliedRecords = await database.prisma.callbackRecord.count({ where: { transactionId: { in: ids }, outcome: 'applied' } });
    return { completed, appliedRecords };
  } finally {
    await database.close();
  }
}
