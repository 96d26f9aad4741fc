// Start-up in any number: ten instances started at the same moment on an empty database all
// come up, and the schema is applied once (migrations run under a database lock).
import axios from 'axios';
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase } from '../../src/db/database';
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { describeDeployment, recipeEnvironment } from '../helpers/instances';

const INSTANCES = 10;
const MIGRATIONS = fs
  .readdirSync(path.join(__dirname, '..', '..', 'prisma', 'migrations', 'postgres'))
  .sort();

describeDeployment('when ten instances start at the same moment on an empty database', () => {
  const started: ServiceProcess[] = [];
  afterAll(async () => {
    await Promise.all(
      started.map(async ({ child }) => {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }),
    );
  });

  it('then all ten are ready, and each migration was applied once', async () => {
    const env = {
      ...recipeEnvironment(),
      ...childEnv(),
      METRICS_PORT: '0',
      RECONCILE_AFTER: '1h',
      RECONCILE_EXPIRE_AFTER: '2h',
    };
    const outcomes = await Promise.allSettled(
      Array.from({ length: INSTANCES }, () => startServiceProcess(env)),
    );
    for (const outcome of outcomes) if (outcome.status === 'fulfilled') started.push(outcome.value);
    expect(
      outcomes
        .filter((outcome) => outcome.status === 'rejected')
        .map((outcome) => String((outcome as PromiseRejectedResult).reason).slice(0, 300)),
    ).toEqual([]);

    const ready = await Promise.all(
      started.map((instance) => axios.get(`${instance.url}/ready`, { validateStatus: () => true })),
    );
    expect(ready.map((answer) => answer.status)).toEqual(Array(INSTANCES).fill(200));

    const database = await openDatabase(env.DATABASE_URL, { poolSize: 1 });
    try {
      const { rows } = await database.postgres!.pool.query<{ name: string }>(
        'SELECT "name" FROM "_bridge_migrations" ORDER BY "name"',
      );
      expect(rows.map((row) => row.name)).toEqual(MIGRATIONS);
    } finally {
      await database.close();
    }
  }, 90_000);
});
