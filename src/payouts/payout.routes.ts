// The payouts API, each operation declared once (src/core/operation.ts). Merchant calls are
// signed (or made from a dashboard session); approvals and rejections need a dashboard session
// of another user than the requester; the safety settings are the operator's (admin token or
// an operator's session).
import type { Request } from 'express';
import { z } from 'zod';
import { defineOperation, type FeatureApi } from '../core/operation';
import { approverOf, requesterActor } from '../core/four-eyes';
import { scopeOf } from '../core/scope';
import type { ErrorCode } from '../errors';
import { idempotencyKeyHeader } from '../payments/transaction.schema';
import {
  createPayoutBody,
  decisionBody,
  payoutHistorySchema,
  payoutIdParams,
  payoutListQuery,
  payoutPageSchema,
  payoutResponseSchema,
} from '../payments/payout.schema';
import { toPayoutView } from '../payments/payout.view';
import { AUDIT_ACTIONS } from '../payments/payout.audit';
import {
  settingsBody,
  settingsParams,
  settingsQuery,
  settingsResponseSchema,
} from './payout.settings.schema';
import type { PayoutsService, Requester } from './payout.service';
import { expecting, text } from '../validation';

export interface PayoutsDeps {
  payouts: PayoutsService;
}

const BASE = '/api/v1/payouts';
const TAG = 'Payouts';
const operation = defineOperation<PayoutsDeps>();

/** What asking for a payout may be refused with, alone or as a batch (payout-batch.routes.ts). */
export const PAYOUT_CREATE_ERRORS: readonly ErrorCode[] = [
  'idempotency_key_reused',
  'payouts_disabled',
  'payout_source_forbidden',
  'payout_cap_exceeded',
  'payout_account_unsupported',
  'mpesa_account_not_found',
  'mpesa_account_missing',
  'mpesa_unavailable',
];

/** Who asks for a payout (or a batch of them), and from where (the payout source allowlist). */
export function requesterOf(req: Request): Requester {
  return { actor: requesterActor(req), userId: req.principal?.userId ?? null, sourceIp: req.ip };
}

const adminActor = (req: Request) => (req.principal ? `user:${req.principal.userId}` : 'admin');

const auditEntrySchema = z
  .object({
    id: z.string(),
    payoutId: z.string().nullable(),
    action: z.enum(AUDIT_ACTIONS),
    actor: z.string(),
    outcome: z.enum(['allowed', 'refused']),
    code: z.string().nullable(),
    detail: z.record(z.string(), z.unknown()).nullable(),
    createdAt: z.iso.datetime(),
  })
  .meta({ id: 'PayoutAuditEntry' });
const auditPageSchema = z
  .object({ data: z.array(auditEntrySchema), nextCursor: z.string().nullable() })
  .meta({ id: 'PayoutAuditPage' });
const CURSOR = 'a nextCursor value from a previous page';
const auditQuery = z.strictObject({
  payoutId: payoutIdParams.shape.id.optional(),
  limit: z.coerce
    .number(expecting('1 to 100'))
    .int()
    .min(1, expecting('1 to 100'))
    .max(100, expecting('1 to 100'))
    .default(50),
  cursor: text(CURSOR)
    .regex(/^pau_[0-9a-z]+$/, expecting(CURSOR))
    .optional(),
});

export const payoutsApi: FeatureApi<PayoutsDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Money out to a phone (Daraja B2C), or a supplier payment to a PayBill with an account number or a till (Daraja B2B), on one ledger with one state machine. Off until an operator turns payouts on; capped per payout and per day; approved by a second person when the policy says so. A payout is sent to Daraja at most once: an unknown outcome is resolved by Transaction Status, never by sending again (docs/payouts.md).',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: BASE,
      operationId: 'createPayout',
      tag: TAG,
      summary: 'Pay out to a phone, a PayBill or a till',
      description:
        'Give exactly one recipient: `phone` (B2C), `paybill` with `accountNumber` (B2B BusinessPayBill: a supplier invoice), or `till` (B2B BusinessBuyGoods). ' +
        'Stores the payout, then (unless the policy wants approval: `awaiting_approval`) sends it to Daraja once: to a phone with its id as the OriginatorConversationID; to a PayBill or till Daraja gives one back, kept to ask Transaction Status by. ' +
        'The answer is the payout as it stands: `submitted` (Daraja accepted it; `payout.succeeded` or `payout.failed` follows), `failed` (refused), ' +
        'or `unknown` (the answer was lost: Transaction Status is asked, it is never resent). A repeat with the same `Idempotency-Key` answers the same payout.',
      auth: 'signature',
      rateLimit: 'perProject',
      idempotent: true,
      headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
      body: createPayoutBody,
      sample: {
        body: { phone: '0712345678', amount: 1500, remarks: 'Refund INV001' },
        headers: { 'Idempotency-Key': 'refund-inv001' },
      },
      responses: { 201: { description: 'The payout.', schema: payoutResponseSchema } },
      errors: PAYOUT_CREATE_ERRORS,
      handler: async ({ deps, req, res, body, headers }) => {
        const row = await deps.payouts.create(
          scopeOf(req),
          requesterOf(req),
          body,
          headers['Idempotency-Key'],
        );
        res.status(201).json({ payout: toPayoutView(row) });
      },
    }),
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listPayouts',
      tag: TAG,
      summary: 'List payouts',
      description: "The project's payouts of this mode, newest first (follow `nextCursor`).",
      auth: 'signature',
      rateLimit: 'perProject',
      query: payoutListQuery,
      responses: { 200: { description: 'One page.', schema: payoutPageSchema } },
      handler: async ({ deps, req, res, query }) => {
        res.json(await deps.payouts.list(scopeOf(req), query));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/settings`,
      operationId: 'getPayoutSettings',
      tag: TAG,
      summary: 'Read the payout safety settings',
      description:
        "This mode's settings (only an operator changes them) and what was asked to pay out today.",
      auth: 'signature',
      rateLimit: 'perProject',
      responses: { 200: { description: 'The settings.', schema: settingsResponseSchema } },
      handler: async ({ deps, req, res }) => {
        res.json({ settings: await deps.payouts.settingsOf(scopeOf(req)) });
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/audit`,
      operationId: 'listPayoutAudit',
      tag: TAG,
      summary: 'The payouts audit trail',
      description:
        'Every payout asked for, refused, approved or rejected, and every change of the settings, with who did it; newest first.',
      auth: 'signature',
      rateLimit: 'perProject',
      query: auditQuery,
      responses: { 200: { description: 'One page.', schema: auditPageSchema } },
      handler: async ({ deps, req, res, query }) => {
        const rows = await deps.payouts.audit(scopeOf(req), {
          payoutId: query.payoutId,
          before: query.cursor,
          limit: query.limit + 1,
        });
        const page = rows.slice(0, query.limit);
        res.json({
          data: page.map((row) => ({
            id: row.id,
            payoutId: row.payoutId,
            action: row.action as (typeof AUDIT_ACTIONS)[number],
            actor: row.actor,
            outcome: row.outcome as 'allowed' | 'refused',
            code: row.code,
            detail: row.detail ? (JSON.parse(row.detail) as Record<string, unknown>) : null,
            createdAt: row.createdAt.toISOString(),
          })),
          nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
        });
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getPayout',
      tag: TAG,
      summary: 'Get a payout',
      auth: 'signature',
      rateLimit: 'perProject',
      params: payoutIdParams,
      responses: { 200: { description: 'The payout.', schema: payoutResponseSchema } },
      errors: ['payout_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json({ payout: await deps.payouts.get(scopeOf(req), params.id) });
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id/history`,
      operationId: 'getPayoutHistory',
      tag: TAG,
      summary: "A payout's status changes and results",
      auth: 'signature',
      rateLimit: 'perProject',
      params: payoutIdParams,
      responses: { 200: { description: 'The history.', schema: payoutHistorySchema } },
      errors: ['payout_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.payouts.history(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/approve`,
      operationId: 'approvePayout',
      tag: TAG,
      summary: 'Approve a payout (and send it)',
      description:
        'A dashboard session only (an API key cannot approve what it asked for), of a user who may see the project and is not the one who asked (four eyes); in live mode an operator. ' +
        'The approval and the send are one step: of several approvals at once, one sends and the others get `payout_not_awaiting_approval`.',
      auth: 'session',
      params: payoutIdParams,
      body: decisionBody,
      audit: { action: 'payout.approved', fields: ['note'] },
      sample: { body: { note: 'Checked against invoice 88' } },
      responses: { 200: { description: 'The payout, sent.', schema: payoutResponseSchema } },
      errors: [
        'payout_not_found',
        'payout_approval_forbidden',
        'payout_not_awaiting_approval',
        'mpesa_unavailable',
      ],
      handler: async ({ deps, req, res, params, body }) => {
        const row = await deps.payouts.approve(params.id, approverOf(req), body.note);
        res.json({ payout: toPayoutView(row) });
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/reject`,
      operationId: 'rejectPayout',
      tag: TAG,
      summary: 'Reject a payout',
      description:
        'Same rules as approving; the payout ends `failed` (`approval_rejected`) and nothing is sent.',
      auth: 'session',
      params: payoutIdParams,
      body: decisionBody,
      audit: { action: 'payout.rejected', fields: ['note'] },
      sample: { body: { note: 'Not one of ours' } },
      responses: { 200: { description: 'The payout, failed.', schema: payoutResponseSchema } },
      errors: ['payout_not_found', 'payout_approval_forbidden', 'payout_not_awaiting_approval'],
      handler: async ({ deps, req, res, params, body }) => {
        const row = await deps.payouts.reject(params.id, approverOf(req), body.note);
        res.json({ payout: toPayoutView(row) });
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/projects/:id/payout-settings',
      operationId: 'getProjectPayoutSettings',
      tag: TAG,
      summary: "Read a project's payout settings (operator)",
      auth: 'admin',
      params: settingsParams,
      query: settingsQuery,
      sample: { query: { mode: 'live' } },
      responses: { 200: { description: 'The settings.', schema: settingsResponseSchema } },
      errors: ['project_not_found'],
      handler: async ({ deps, res, params, query }) => {
        res.json({
          settings: await deps.payouts.projectSettingsOf({ projectId: params.id, mode: query.mode }),
        });
      },
    }),
    operation({
      method: 'put',
      path: '/api/v1/projects/:id/payout-settings',
      operationId: 'updateProjectPayoutSettings',
      tag: TAG,
      summary: "Set a project's payout settings (operator)",
      description:
        'Turns payouts on or off for one mode, with its caps, approval policy and address allowlist. Only an operator (admin token or operator session): a leaked merchant key cannot raise its own caps. Recorded in the audit trail.',
      auth: 'admin',
      params: settingsParams,
      body: settingsBody,
      audit: {
        action: 'payout_settings.updated',
        fields: ['mode', 'enabled', 'perPayoutMax', 'dailyMax', 'approval', 'approvalAbove', 'allowedIps'],
        targetIsProject: true,
      },
      sample: {
        body: {
          mode: 'test',
          enabled: true,
          perPayoutMax: 10_000,
          dailyMax: 100_000,
          approval: 'above',
          approvalAbove: 5_000,
        },
      },
      responses: { 200: { description: 'The settings now.', schema: settingsResponseSchema } },
      errors: ['project_not_found'],
      handler: async ({ deps, req, res, params, body }) => {
        const scope = { projectId: params.id, mode: body.mode };
        res.json({ settings: await deps.payouts.updateSettings(scope, body, adminActor(req)) });
      },
    }),
  ],
};
