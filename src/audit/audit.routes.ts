// The audit trail for operators (admin token or an operator's dashboard session; members are
// refused): a page at a time, or all of it as CSV.
import { z } from 'zod';
import { defineOperation, type FeatureApi } from '../core/operation';
import { auditExportQuery, auditPageSchema, auditQuery, AUDIT_CSV_COLUMNS } from './audit.schema';
import type { AuditService } from './audit.service';

export interface AuditDeps {
  audit: AuditService;
}

const BASE = '/api/v1/audit';
const TAG = 'Audit trail';
const operation = defineOperation<AuditDeps>();

export const auditApi: FeatureApi<AuditDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Who did what, when and from where: key rotations, project and user changes, M-Pesa account and webhook endpoint changes, replays, vault re-seals. ' +
        'Written before the action\'s answer goes out; secrets appear only as "(changed)". Operators only.',
    },
  ],
  operations: [
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listAuditEntries',
      tag: TAG,
      summary: 'List audit entries',
      description: 'Newest first, a page at a time (follow `nextCursor`).',
      auth: 'admin',
      query: auditQuery,
      responses: { 200: { description: 'One page.', schema: auditPageSchema } },
      handler: async ({ deps, res, query }) => {
        res.json(await deps.audit.list(query));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/export`,
      operationId: 'exportAuditEntries',
      tag: TAG,
      summary: 'Export the audit trail as CSV',
      description: `Every entry the filters match, newest first. Columns: ${AUDIT_CSV_COLUMNS.map((c) => `\`${c}\``).join(', ')} (details as JSON).`,
      auth: 'admin',
      query: auditExportQuery,
      responses: {
        200: { description: 'The CSV (RFC 4180, CRLF).', contentType: 'text/csv', schema: z.string() },
      },
      handler: async ({ deps, res, query }) => {
        res.setHeader('Content-Type', 'text/csv; charset=utf-8');
        res.setHeader('Content-Disposition', 'attachment; filename="audit.csv"');
        for await (const chunk of deps.audit.csv(query)) {
          if (!res.write(chunk)) await new Promise((resolve) => res.once('drain', resolve));
        }
        res.end();
      },
    }),
  ],
};
