// SQLite transactions take turns on the service's one connection. A query from outside waits
// for the running transaction; a transaction that waits for an outside query (a query sent to
// the database instead of the transaction handle) fails at once with a clear error instead of
// hanging for ever. SQLite only: PostgreSQL gives each transaction its own connection.
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { freshDataDir } from '../helpers/database';

let db: Database;
beforeAll(async () => {
  db = await openDatabase(`file:${path.join(freshDataDir(), 'turns.db')}`);
  await applyMigrations(db, { legacyMode: 'test' });
});
afterAll(() => db.close());

const project = (id: string) => ({ id, name: id, createdAt: new Date() });
const count = async () => (await db.all(db.qb.selectFrom('Project').select('id'))).length;

describe('when a query arrives from outside while a transaction runs', () => {
  it('then it waits and sees the transaction committed, never its uncommitted rows', async () => {
    const before = await count();
    let seenOutside: number | undefined;
    await db.transaction(async (tx) => {
      await tx.run(tx.qb.insertInto('Project').values(project('prj_turn_1')));
      void count().then((value) => (seenOutside = value));
      await tx.run(tx.qb.insertInto('Project').values(project('prj_turn_2')));
    });
    await new Promise((resolve) => setImmediate(resolve));
    expect(seenOutside).toBe(before + 2);
  });
});

describe('when a transaction sends a query to the database instead of its own handle', () => {
  it('then the transaction fails with an error naming the mistake, rolls back, and the database stays usable', async () => {
    const before = await count();
    const mistaken = db.transaction(async (tx) => {
      await tx.run(tx.qb.insertInto('Project').values(project('prj_mistake')));
      return db.first(db.qb.selectFrom('Project').select('id'));
    });
    await expect(mistaken).rejects.toThrow(/outside its transaction/);
    expect(await count()).toBe(before);
  });
});
