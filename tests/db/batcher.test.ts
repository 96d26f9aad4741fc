// Group commit (src/db/batcher.ts): writes that arrive together share one transaction, each
// caller resolves after that commit, and one bad item fails alone. On the engine the suite runs
// on (SQLite, or PostgreSQL with TEST_DATABASE_URL).
import { createBatcher } from '../../src/db/batcher';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { freshDataDir, freshDatabaseUrl } from '../helpers/database';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(freshDatabaseUrl(freshDataDir()));
  await applyMigrations(db, { legacyMode: 'test' });
});
afterAll(() => db.close());

let projectCount = 0;
const project = (id: string) => ({ id, name: `Shop ${(projectCount += 1)}`, createdAt: new Date() });
const stored = async (ids: string[]) =>
  (await db.all(db.qb.selectFrom('Project').select('id').where('id', 'in', ids).orderBy('id'))).map(
    (row) => row.id,
  );

describe('when many writes arrive in one turn of the event loop', () => {
  it('then they are committed in fewer transactions than writes, and each caller sees its row committed', async () => {
    const batches: number[] = [];
    const write = createBatcher(db, {
      durability: 'disk',
      write: async (tx, items: ReadonlyArray<ReturnType<typeof project>>) => {
        batches.push(items.length);
        await tx.run(tx.qb.insertInto('Project').values([...items]));
        return items.map((item) => item.id);
      },
    });
    const ids = Array.from({ length: 30 }, (_, index) => `prj_many_${index}`);
    const results = await Promise.all(
      ids.map(async (id) => {
        const written = await write(project(id));
        // Resolved only after the commit: the row is there for everyone.
        expect(await stored([id])).toEqual([id]);
        return written;
      }),
    );
    expect(results).toEqual(ids);
    expect(batches.reduce((sum, size) => sum + size, 0)).toBe(ids.length);
    expect(batches.length).toBeLessThan(ids.length);
  });
});

describe('when one write of a batch breaks a constraint', () => {
  it('then only its caller fails, and every other write of the batch is committed', async () => {
    const write = createBatcher(db, {
      durability: 'process',
      write: async (tx, items: ReadonlyArray<ReturnType<typeof project>>) => {
        await tx.run(tx.qb.insertInto('Project').values([...items]));
        return items.map(() => 'ok');
      },
    });
    await write(project('prj_taken'));
    const outcomes = await Promise.allSettled([
      write(project('prj_ok_1')),
      write(project('prj_taken')),
      write(project('prj_ok_2')),
    ]);
    expect(outcomes.map((outcome) => outcome.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect(await stored(['prj_ok_1', 'prj_ok_2', 'prj_taken'])).toEqual([
      'prj_ok_1',
      'prj_ok_2',
      'prj_taken',
    ]);
  });
});
