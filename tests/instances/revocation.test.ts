// Revocations across instances: the change is made through instance A, the sockets are held by
// instance B, and B ends them, through the same bus that carries payment updates (PostgreSQL
// NOTIFY without Redis, Redis pub/sub with it). The stories are tests/helpers/revocation.ts.
import { describeDeployment, startDeployment, type Deployment } from '../helpers/instances';
import { revocationStories } from '../helpers/revocation';

describeDeployment(
  'when authority is revoked through one instance and its sockets are held by another',
  () => {
    describe.each([
      ['PostgreSQL NOTIFY (no Redis)', false],
      ['Redis', true],
    ])('with %s between two instances', (_name, redis) => {
      let deployment: Deployment;
      beforeAll(async () => {
        deployment = await startDeployment({
          instances: 2,
          redis,
          env: { RECONCILE_AFTER: '1h', RECONCILE_EXPIRE_AFTER: '2h' },
        });
      }, 60_000);
      afterAll(() => deployment?.close());

      revocationStories(() => ({
        changeAt: deployment.instances[0]!.url,
        followAt: deployment.instances[1]!.url,
        adminToken: deployment.adminToken,
      }));
    });
  },
);
