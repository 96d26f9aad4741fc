// Diagnostics in the OpenAPI document (routes: diagnostics.routes.ts).
import type { ApiSection } from '../core/openapi.types';
import { diagnosticsSchema } from './diagnostics.schema';

const TAG = 'Diagnostics';

export const diagnosticsApi: ApiSection = {
  tags: [
    {
      name: TAG,
      description:
        'What a support engineer would check on a deployment, for the project and mode of the signing key: the callback base URL ' +
        '(public https, free of the words Daraja refuses), `TRUST_PROXY` against the headers this request arrived with, the callback ' +
        'allowlist, Daraja accepting each M-Pesa account (an OAuth call unless a token is cached), webhook endpoint health. ' +
        'Each finding has a status and a fix. `mpesa-bridge doctor` shows them beside its own checks (reachability, clock).',
    },
  ],
  operations: [
    {
      method: 'get',
      path: '/api/v1/diagnostics',
      operationId: 'getDiagnostics',
      tag: TAG,
      summary: 'Check the deployment',
      description:
        'Read-only. Never returns a secret. Findings are `ok`, `warn` (may go wrong) or `fail` (will go wrong).',
      auth: 'signature',
      responses: {
        200: { description: 'The findings, in a fixed order of checks.', schema: diagnosticsSchema },
      },
    },
  ],
};
