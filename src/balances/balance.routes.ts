// The balances API, each operation declared once (src/core/operation.ts): ask Daraja's Account
// Balance for an account (the answer comes later), read a check, and read the latest balances
// of every account with the payouts waiting to go.
import type { Request } from 'express';
import { z } from 'zod';
import { defineOperation, type FeatureApi } from '../core/operation';
import { scopeOf } from '../core/scope';
import type { NamedBalance } from '../mpesa/mpesa.account-balance';
import { expecting, text } from '../validation';
import { utilityOf, type BalanceCheckRow, type BalancesService } from './balance.service';

export interface BalancesDeps {
  balances: BalancesService;
}

const TAG = 'Balances';
const operation = defineOperation<BalancesDeps>();

const namedBalanceSchema = z
  .object({
    name: z.string().meta({ examples: ['Utility Account'] }),
    currency: z.string().meta({ examples: ['KES'] }),
    currentCents: z.number().int().meta({ description: 'Exact cents, from the digits M-Pesa sent.' }),
    availableCents: z.number().int(),
    reservedCents: z.number().int(),
    unclearedCents: z.number().int(),
  })
  .meta({ id: 'NamedBalance' });

const balanceCheckSchema = z
  .object({
    id: z.string(),
    accountId: z.string().nullable(),
    shortcode: z.string(),
    status: z.enum(['pending', 'succeeded', 'failed']),
    accounts: z
      .array(namedBalanceSchema)
      .nullable()
      .meta({ description: 'The parsed accounts, once succeeded.' }),
    raw: z.string().nullable().meta({ description: "Daraja's AccountBalance string as it came." }),
    completedTime: z.string().nullable(),
    resultCode: z.string().nullable(),
    resultDesc: z.string().nullable(),
    requestedBy: z.string(),
    createdAt: z.iso.datetime(),
    settledAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'BalanceCheck' });
const checkResponse = z.object({ balanceCheck: balanceCheckSchema }).meta({ id: 'BalanceCheckResponse' });

export function toBalanceCheckView(row: BalanceCheckRow): z.output<typeof balanceCheckSchema> {
  return {
    id: row.id,
    accountId: row.accountId,
    shortcode: row.shortcode,
    status: row.status as 'pending' | 'succeeded' | 'failed',
    accounts: row.balances ? (JSON.parse(row.balances) as NamedBalance[]) : null,
    raw: row.rawBalance,
    completedTime: row.completedTime,
    resultCode: row.resultCode,
    resultDesc: row.resultDesc,
    requestedBy: row.requestedBy,
    createdAt: row.createdAt.toISOString(),
    settledAt: row.settledAt?.toISOString() ?? null,
  };
}

const askBody = z
  .strictObject({
    account: text('an M-Pesa account id (acc_…)')
      .regex(/^acc_[0-9a-z]{1,64}$/, expecting('an M-Pesa account id (acc_…)'))
      .optional()
      .meta({
        description: "The account to ask about; the project's default of the key's mode when left out.",
      }),
  })
  .optional();
const checkIdParams = z.object({
  id: text('a balance check id (bal_…)')
    .regex(/^bal_[0-9a-z]{1,64}$/, expecting('a balance check id (bal_…)'))
    .meta({ examples: ['bal_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

const overviewSchema = z
  .object({
    data: z
      .array(balanceCheckSchema)
      .meta({ description: 'The latest check of each shortcode asked about.' }),
    waitingPayouts: z.object({
      count: z.number().int(),
      amount: z
        .number()
        .int()
        .meta({ description: 'Whole KES of payouts not sent yet (requested, awaiting approval).' }),
    }),
    warnings: z.array(
      z.object({
        code: z.literal('utility_below_waiting_payouts'),
        shortcode: z.string(),
        message: z.string(),
      }),
    ),
  })
  .meta({ id: 'BalanceOverview' });

const actorOf = (req: Request) =>
  req.principal ? `user:${req.principal.userId}` : `key:${req.project!.publicKey}`;

export const balancesApi: FeatureApi<BalancesDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'An M-Pesa account\'s balances from Daraja\'s Account Balance API: the `&`/`|` string parsed into named accounts with exact amounts in cents, and a warning when the Utility account (B2C pays from it) holds less than the payouts waiting to go (docs/payouts.md "Balances").',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: '/api/v1/balances',
      operationId: 'checkBalance',
      tag: TAG,
      summary: "Ask for an account's balances",
      description:
        "Sends Account Balance to Daraja with the account's initiator; the answer comes later: follow the check (`pending` → `succeeded` | `failed`) with `GET /api/v1/balances/{id}`.",
      auth: 'signature',
      rateLimit: 'perProject',
      body: askBody,
      sample: { body: {} },
      responses: { 202: { description: 'The check, pending.', schema: checkResponse } },
      errors: [
        'mpesa_account_not_found',
        'mpesa_account_missing',
        'payout_account_unsupported',
        'mpesa_unavailable',
      ],
      handler: async ({ deps, req, res, body }) => {
        const row = await deps.balances.ask(scopeOf(req), actorOf(req), body?.account);
        res.status(202).json({ balanceCheck: toBalanceCheckView(row) });
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/balances',
      operationId: 'listBalances',
      tag: TAG,
      summary: 'The latest balances of each account',
      auth: 'signature',
      rateLimit: 'perProject',
      responses: { 200: { description: 'The balances.', schema: overviewSchema } },
      handler: async ({ deps, req, res }) => {
        const { checks, waitingPayouts } = await deps.balances.overview(scopeOf(req));
        const data = checks.map(toBalanceCheckView);
        const warnings = data.flatMap((check) => {
          const utility = check.accounts ? utilityOf(check.accounts) : undefined;
          return utility && utility.availableCents < waitingPayouts.amount * 100
            ? [
                {
                  code: 'utility_below_waiting_payouts' as const,
                  shortcode: check.shortcode,
                  message: `The Utility account of ${check.shortcode} holds KES ${(utility.availableCents / 100).toFixed(2)}, less than the KES ${waitingPayouts.amount} of payouts waiting to go: top it up before approving them`,
                },
              ]
            : [];
        });
        res.json({ data, waitingPayouts, warnings });
      },
    }),
    operation({
      method: 'get',
      path: '/api/v1/balances/:id',
      operationId: 'getBalanceCheck',
      tag: TAG,
      summary: 'Get a balance check',
      auth: 'signature',
      rateLimit: 'perProject',
      params: checkIdParams,
      responses: { 200: { description: 'The check.', schema: checkResponse } },
      errors: ['balance_check_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json({ balanceCheck: toBalanceCheckView(await deps.balances.get(scopeOf(req), params.id)) });
      },
    }),
  ],
};
