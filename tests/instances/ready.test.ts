// /ready tells a balancer whether this instance can serve: it asks every shared part it needs.
// Each part is reached here through a port forward that the test then closes, as a database or
// Redis that stops answering would look from the instance.
import axios from 'axios';
import { freshDatabaseUrl, freshDataDir } from '../helpers/database';
import { describeDeployment, REDIS_URL, startDeployment } from '../helpers/instances';
import { startPortForward } from '../helpers/proxies';

/** The same URL with its host and port replaced by the forward's. */
function through(url: string, forward: { url: string }): string {
  const target = new URL(url);
  const { hostname, port } = new URL(forward.url);
  target.hostname = hostname;
  target.port = port;
  return target.toString();
}

describeDeployment('when a shared part stops answering', () => {
  it.each([
    ['Redis', 'redis_unreachable'],
    ['the database', 'database_unreachable'],
  ])(
    'then /ready answers 503 naming %s, and /health still answers',
    async (part, status) => {
      const database = freshDatabaseUrl(freshDataDir());
      const upstream = part === 'Redis' ? REDIS_URL : database;
      const forward = await startPortForward(Number(new URL(upstream).port));
      const env: Record<string, string> =
        part === 'Redis'
          ? { REDIS_URL: through(REDIS_URL, forward) }
          : { DATABASE_URL: through(database, forward) };
      const deployment = await startDeployment({
        instances: 1,
        redis: true,
        env: { DATABASE_URL: database, ...env },
      });
      try {
        const instance = deployment.instances[0]!;
        const ready = () => axios.get(`${instance.url}/ready`, { validateStatus: () => true });
        expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
        await forward.close();
        expect(await ready()).toMatchObject({ status: 503, data: { status } });
        expect((await axios.get(`${instance.url}/health`)).status).toBe(200);
      } finally {
        await forward.close().catch(() => undefined);
        await deployment.close();
      }
    },
    60_000,
  );
});
