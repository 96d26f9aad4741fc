// GET /api/v1/diagnostics (signed, read-only): the service's findings for the key's project and mode.
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import { diagnosticsSchema } from './diagnostics.schema';
import type { DiagnosticsService } from './diagnostics.service';

export interface DiagnosticsDeps {
  diagnostics: DiagnosticsService;
}

/** Headers a proxy adds; their presence says a proxy sits between the caller and the service. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

const TAG = 'Diagnostics';
const operation = defineOperation<DiagnosticsDeps>();

export const diagnosticsApi: FeatureApi<DiagnosticsDeps> = {
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
    operation({
      method: 'get',
      path: '/api/v1/diagnostics',
      operationId: 'getDiagnostics',
      tag: TAG,
      summary: 'Check the deployment',
      description:
        'Read-only. Never returns a secret. Findings are `ok`, `warn` (may go wrong) or `fail` (will go wrong).',
      auth: 'signature',
      rateLimit: 'perProject',
      responses: {
        200: { description: 'The findings, in a fixed order of checks.', schema: diagnosticsSchema },
      },
      handler: async ({ deps, req, res }) => {
        const forwardedHeaders = FORWARDING_HEADERS.filter((name) => req.headers[name] !== undefined);
        res.json(
          await deps.diagnostics.run(scopeOf(req), {
            forwardedHeaders,
            peer: req.socket.remoteAddress,
            source: req.ip,
          }),
        );
      },
    }),
  ],
};
