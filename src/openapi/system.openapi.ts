// Health checks and this reference itself (routes in app.ts and openapi.routes.ts).
import { z } from 'zod';
import type { ApiSection } from '../core/openapi.types';

const TAG = 'System';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';
/** Where `GET /` leads: the dashboard (src/operators/dashboard.pages.ts), which links the reference. */
export const HOME_TARGET = '/dashboard/';

export const systemApi: ApiSection = {
  tags: [{ name: TAG, description: 'Health checks and this reference. No authentication.' }],
  operations: [
    {
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
    },
    {
      method: 'get',
      path: '/health',
      operationId: 'health',
      tag: TAG,
      summary: 'Liveness',
      description: 'The process is up.',
      auth: 'none',
      responses: { 200: { description: 'Up.', schema: z.object({ status: z.literal('ok') }) } },
    },
    {
      method: 'get',
      path: '/ready',
      operationId: 'ready',
      tag: TAG,
      summary: 'Readiness',
      description:
        'Every part this instance needs answers within `READY_TIMEOUT`: the database, room on the disk SQLite writes to, and Redis when `REDIS_URL` is set. Load balancers and the Docker healthcheck use this.',
      auth: 'none',
      responses: {
        200: { description: 'Ready.', schema: z.object({ status: z.literal('ready') }) },
        503: {
          description: 'The database, or Redis, does not answer in time, or the SQLite disk is full.',
          schema: z.object({ status: z.enum(['database_unreachable', 'disk_full', 'redis_unreachable']) }),
        },
      },
    },
    {
      method: 'get',
      path: OPENAPI_JSON_PATH,
      operationId: 'openApiDocument',
      tag: TAG,
      summary: 'This API as OpenAPI 3.1',
      auth: 'none',
      responses: { 200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
    },
    {
      method: 'get',
      path: DOCS_PATH,
      operationId: 'apiReference',
      tag: TAG,
      summary: 'This API reference as a web page',
      auth: 'none',
      responses: {
        200: {
          description: 'An HTML page rendered from the OpenAPI document.',
          contentType: 'text/html',
          schema: z.string(),
        },
      },
    },
  ],
};
