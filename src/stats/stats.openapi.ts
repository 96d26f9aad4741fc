// GET /api/v1/stats in the OpenAPI document (routes: stats.routes.ts).
import type { ApiSection } from '../core/openapi.types';
import { statsQuery, statsSchema } from './stats.schema';

export const statsApi: ApiSection = {
  tags: [
    { name: 'Stats', description: "A project's numbers for one mode: what the dashboard's overview shows." },
  ],
  operations: [
    {
      method: 'get',
      path: '/api/v1/stats',
      operationId: 'getStats',
      tag: 'Stats',
      summary: 'Payments and webhooks over a time window',
      description:
        'Counts, success rate, amount collected, failure reasons, time from prompt to payment, payments settled by STK Query and webhook health.',
      auth: 'signature',
      query: statsQuery,
      responses: { 200: { description: 'The numbers.', schema: statsSchema } },
    },
  ],
};
