// Health checks and where `GET /` leads, declared like every other operation. No authentication.
import { z } from 'zod';
import type { Database } from '../db/database';
import { defineOperation, type FeatureApi } from '../core/operation';

export interface SystemDeps {
  database: Pick<Database, 'ping'>;
  /** The shared parts this instance needs besides its database, each with a cheap round trip. */
  sharedParts?: Readonly<Record<'redis', () => Promise<unknown>>>;
}

/** Where `GET /` leads: the dashboard (src/operators/dashboard.pages.ts), which links the reference. */
export const HOME_TARGET = '/dashboard/';
const TAG = 'System';
const operation = defineOperation<SystemDeps>();

const answers = (ping: () => Promise<unknown>) =>
  ping().then(
    () => true,
    () => false,
  );

export const systemApi: FeatureApi<SystemDeps> = {
  tags: [{ name: TAG, description: 'Health checks and this reference. No authentication.' }],
  operations: [
    operation({
      method: 'get',
      path: '/',
      operationId: 'home',
      tag: TAG,
      summary: 'Where to start',
      description: `Redirects to \`${HOME_TARGET}\`, so the address the start banner prints leads somewhere in a browser.`,
      auth: 'none',
      responses: {
        302: {
          description: `To \`${HOME_TARGET}\`.`,
          headers: {
            Location: {
              required: true,
              description: 'Where to go.',
              schema: z.string().meta({ examples: [HOME_TARGET] }),
            },
          },
        },
      },
      handler: ({ res }) => {
        res.redirect(302, HOME_TARGET);
      },
    }),
    operation({
      method: 'get',
      path: '/health',
      operationId: 'health',
      tag: TAG,
      summary: 'Liveness',
      description: 'The process is up.',
      auth: 'none',
      responses: { 200: { description: 'Up.', schema: z.object({ status: z.literal('ok') }) } },
      handler: ({ res }) => {
        res.json({ status: 'ok' });
      },
    }),
    operation({
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      tag: TAG,
      summary: 'Readiness',
      description:
        'Every shared part this instance needs answers: the database, and Redis when `REDIS_URL` is set. Load balancers and the Docker healthcheck use this.',
      auth: 'none',
      responses: {
        200: { description: 'Ready.', schema: z.object({ status: z.literal('ready') }) },
        503: {
          description: 'The database, or Redis, does not answer.',
          schema: z.object({ status: z.enum(['database_unreachable', 'redis_unreachable']) }),
        },
      },
      // Ready when every shared part this instance needs answers (a balancer then sends nothing
      // to an instance that could not serve it).
      handler: async ({ deps, res }) => {
        const [database, redis] = await Promise.all([
          answers(() => deps.database.ping()),
          deps.sharedParts?.redis ? answers(deps.sharedParts.redis) : true,
        ]);
        const status = !database ? 'database_unreachable' : !redis ? 'redis_unreachable' : 'ready';
        res.status(status === 'ready' ? 200 : 503).json({ status });
      },
    }),
  ],
};
