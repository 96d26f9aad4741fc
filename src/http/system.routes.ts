// Health checks and where `GET /` leads, declared like every other operation. No authentication.
import { z } from 'zod';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { ReadyStatus } from './readiness';

export interface SystemDeps {
  /** Every part this instance needs, asked in time (readiness.ts; made per app by composition). */
  ready: () => Promise<ReadyStatus>;
}

/** Where `GET /` leads: the dashboard (src/operators/dashboard.pages.ts), which links the reference. */
export const HOME_TARGET = '/dashboard/';
const TAG = 'System';
const operation = defineOperation<SystemDeps>();

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
        'Every part this instance needs answers within `READY_TIMEOUT`: the database, room on its disk (SQLite: the data folder; PostgreSQL: a rolled-back write that needs a new block), and Redis when `REDIS_URL` is set. Load balancers and the Docker healthcheck use this.',
      auth: 'none',
      responses: {
        200: { description: 'Ready.', schema: z.object({ status: z.literal('ready') }) },
        503: {
          description: "The database, or Redis, does not answer in time, or the database's disk is full.",
          schema: z.object({ status: z.enum(['database_unreachable', 'disk_full', 'redis_unreachable']) }),
        },
      },
      // Ready when every part this instance needs answers in time: the database, room on the
      // database's disk, and Redis when configured (a balancer then sends nothing to an instance
      // that could not serve it).
      handler: async ({ deps, res }) => {
        const status = await deps.ready();
        res.status(status === 'ready' ? 200 : 503).json({ status });
      },
    }),
  ],
};
