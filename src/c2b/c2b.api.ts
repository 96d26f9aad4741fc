// Merchant API for an account's C2B (till and PayBill payments the customer starts), behind
// the signature check, beside the account's own operations (src/accounts/account.routes.ts).
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import { c2bAccountParams, c2bSettingResponseSchema, enableC2bBody } from './c2b.schema';
import type { C2bSettings } from './c2b.settings';

export interface C2bDeps {
  c2b: C2bSettings;
}

const PATH = '/api/v1/mpesa-accounts/:id/c2b';
const TAG = 'C2B (till and PayBill)';
const operation = defineOperation<C2bDeps>();
/** Where walk-in payments are collected and recorded: an operator's decision (src/auth/session-scope.ts). */
const operatorOnly = { what: "change an M-Pesa account's C2B" };

export const c2bApi: FeatureApi<C2bDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Payments the customer starts: a till or PayBill paid from the M-Pesa menu or a QR (Daraja’s C2B). With C2B on, the service ' +
        'registers its own confirmation and validation URLs for the account with Daraja, and every confirmation Safaricom posts becomes a ' +
        'payment on the same ledger as STK payments (`origin: "c2b"`, event `transaction.received`), or settles the open payment request ' +
        'its bill reference names (`transaction.completed`). A receipt already recorded (the STK callback of the same payment) is recorded once.',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: PATH,
      operationId: 'enableC2b',
      tag: TAG,
      summary: 'Switch C2B on (register the URLs with Daraja)',
      description:
        'Registers this service’s confirmation and validation URLs for the account’s shortcode with Daraja (`/mpesa/c2b/{version}/registerurl`), ' +
        'then keeps the settings. Sent again, it registers again (new URLs) and replaces the settings. Daraja’s refusals are explained: ' +
        '`c2b_version_mismatch` (the app has the other C2B version), `c2b_urls_already_registered`, `c2b_url_refused`.',
      auth: 'signature',
      operatorOnly,
      rateLimit: 'perProject',
      params: c2bAccountParams,
      body: enableC2bBody,
      responses: {
        200: {
          description: 'C2B is on: the settings, and a new validation secret once.',
          schema: c2bSettingResponseSchema,
        },
      },
      errors: [
        'mpesa_account_not_found',
        'c2b_version_mismatch',
        'c2b_urls_already_registered',
        'c2b_url_refused',
        'webhook_url_refused',
        'mpesa_credentials_rejected',
        'mpesa_unavailable',
      ],
      // The SDKs reach these three by their raw signed request for now (no method wraps them yet).
      sample: { body: { version: 'v2', responseType: 'Completed' } },
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.c2b.enable(scopeOf(req), params.id, body));
      },
    }),
    operation({
      method: 'get',
      path: PATH,
      operationId: 'getC2b',
      tag: TAG,
      summary: "An account's C2B settings",
      auth: 'signature',
      rateLimit: 'perProject',
      params: c2bAccountParams,
      responses: {
        200: { description: 'The settings (off when never switched on).', schema: c2bSettingResponseSchema },
      },
      errors: ['mpesa_account_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.c2b.get(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'delete',
      path: PATH,
      operationId: 'disableC2b',
      tag: TAG,
      summary: 'Switch C2B off',
      description:
        'Confirmations that still arrive (Daraja keeps the URLs until they are deleted on its portal) are stored, refused with reason `c2b_disabled`, and never become payments.',
      auth: 'signature',
      operatorOnly,
      rateLimit: 'perProject',
      params: c2bAccountParams,
      responses: { 200: { description: 'The settings, off.', schema: c2bSettingResponseSchema } },
      errors: ['mpesa_account_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.c2b.disable(scopeOf(req), params.id));
      },
    }),
  ],
};
