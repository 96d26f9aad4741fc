// Limits count across instances: the per-project request limit and the brute-force guards
// (Redis with REDIS_URL, the database's `rate_limits` table without), so three instances
// together allow what the configuration says, not three times it; and a signed request seen by
// one instance is a replay on every other.
import { randomBytes } from 'node:crypto';
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { createProject, merchantClient } from '../helpers/merchant';
import { sendRaw, signedHeaders } from '../helpers/http-edges';

const LIMIT = 20;
const FAILURES_ALLOWED = 3;

describeDeployment('when one project calls three instances in turn', () => {
  describe.each([
    ['in PostgreSQL (no Redis)', false],
    ['in Redis', true],
  ])('with the counts %s', (_name, redis) => {
    let deployment: Deployment;
    beforeAll(async () => {
      deployment = await startDeployment({
        instances: 3,
        redis,
        env: {
          RATE_LIMIT_MAX: String(LIMIT),
          TRUST_PROXY: 'loopback',
          SIGNATURE_FAILURES_PER_SOURCE: String(FAILURES_ALLOWED),
          RECONCILE_AFTER: '1h',
          RECONCILE_EXPIRE_AFTER: '2h',
        },
      });
    }, 60_000);
    afterAll(() => deployment?.close());

    it(`then ${LIMIT} requests pass in all and the rest get 429 rate_limited, whichever instance they reach`, async () => {
      const keys = await createProject(deployment.url, deployment.adminToken);
      const statuses: number[] = [];
      // Through the balancer: each request goes to the next instance.
      const merchant = merchantClient(deployment.url, keys);
      for (let i = 0; i < 2 * LIMIT; i += 1)
        statuses.push((await merchant({ method: 'GET', path: '/api/v1/transactions' })).status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(LIMIT);
      expect(statuses.slice(LIMIT)).toEqual(Array(LIMIT).fill(429));
    });

    it(`then wrong signatures from one address are refused after ${FAILURES_ALLOWED} in all, not per instance`, async () => {
      const keys = await createProject(deployment.url, deployment.adminToken);
      const address = `203.0.113.${randomBytes(1)[0]! % 200}`;
      const path = '/api/v1/transactions';
      const statuses: number[] = [];
      for (const instance of [...deployment.instances, ...deployment.instances]) {
        const headers = {
          ...signedHeaders({ ...keys, secretKey: 'sk_wrong' }, { method: 'GET', path }),
          'X-Forwarded-For': address,
        };
        statuses.push((await sendRaw({ method: 'GET', url: `${instance.url}${path}`, headers })).status);
      }
      expect(statuses).toEqual([
        ...Array(FAILURES_ALLOWED).fill(401),
        ...Array(6 - FAILURES_ALLOWED).fill(429),
      ]);
    });

    it('then a signed request replayed to the other instances is refused there as signature_replayed', async () => {
      const keys = await createProject(deployment.url, deployment.adminToken);
      const path = '/api/v1/transactions/txn_0000000000000000000000/reconcile';
      const headers = signedHeaders(keys, { method: 'POST', path, body: '{}' });
      const answers = [];
      for (const instance of deployment.instances)
        answers.push(await sendRaw({ method: 'POST', url: `${instance.url}${path}`, headers, body: '{}' }));
      // The first use reaches the route (no such payment); the same bytes anywhere else do not.
      expect(answers.map((answer) => [answer.status, answer.data.error?.code])).toEqual([
        [404, 'transaction_not_found'],
        [401, 'signature_replayed'],
        [401, 'signature_replayed'],
      ]);
    });
  });
});
