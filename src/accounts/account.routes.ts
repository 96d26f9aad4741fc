// Merchant API for the project's M-Pesa accounts, behind the signature check: a test key
// manages simulator and sandbox accounts, a live key production ones.
import { idempotencyKeyHeader } from '../payments/transaction.schema';
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import {
  accountCheckSchema,
  accountIdParams,
  accountListSchema,
  accountResponseSchema,
  createAccountBody,
  updateAccountBody,
} from './account.schema';
import type { AccountsService } from './account.service';

export interface AccountsDeps {
  accounts: AccountsService;
}

const BASE = '/api/v1/mpesa-accounts';
const TAG = 'M-Pesa accounts';
const operation = defineOperation<AccountsDeps>();
/** The next payment would be collected elsewhere (src/auth/session-scope.ts). */
const operatorOnly = { what: "change a project's M-Pesa accounts" };

export const accountsApi: FeatureApi<AccountsDeps> = {
  tags: [
    {
      name: TAG,
      description:
        "The project's own Daraja accounts: where its payments are collected. Each is one Daraja app (consumer key and secret) on one " +
        'environment with its shortcode and passkey; test keys manage `simulator` and `sandbox` accounts, live keys `production` ones. ' +
        'Credentials are write-only: answers show their last four characters. A project without an account of a mode uses the ' +
        "deployment's own (`MPESA_*`) when it is of that mode.\n\n" +
        '**PayBill or till.** For a PayBill, `shortcode` is the PayBill. For a till (Buy Goods), `shortcode` is the Head Office (store) ' +
        'number the till was set up under and the passkey is the one issued for it; `tillNumber` is the till customers pay. An initiate ' +
        'with `channel: "till"` then sends the till as `PartyB` and the Head Office shortcode as `BusinessShortCode`. A till sent as a ' +
        'PayBill (or the other way round) is accepted by Daraja and fails later with result code `2028` or `SFC_IC0003`.',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: BASE,
      operationId: 'createMpesaAccount',
      audit: {
        action: 'mpesa_account.created',
        fields: [
          'name',
          'environment',
          'shortcode',
          'tillNumber',
          'isDefault',
          'consumerKey',
          'consumerSecret',
          'passkey',
        ],
      },
      tag: TAG,
      summary: 'Add an M-Pesa account',
      description:
        'Checks the consumer key and secret at once with an OAuth call to the environment, and keeps the account only if Daraja accepts them. ' +
        'The first account of a mode becomes its default.',
      auth: 'signature',
      operatorOnly,
      rateLimit: 'perProject',
      // A repeat with the same Idempotency-Key answers the account the first one made (the SDK
      // sends one with every create, so its one re-sign after signature_replayed is safe).
      idempotent: true,
      headers: { 'Idempotency-Key': { schema: idempotencyKeyHeader, required: false } },
      body: createAccountBody,
      responses: { 201: { description: 'The account, masked.', schema: accountResponseSchema } },
      errors: ['mpesa_account_rejected', 'mpesa_unavailable', 'idempotency_key_reused'],
      sample: {
        sdk: { node: 'mpesaAccounts.create', python: 'mpesa_accounts.create', php: 'mpesaAccounts.create' },
      },
      handler: async ({ deps, req, res, body, headers }) => {
        res.status(201).json(await deps.accounts.create(scopeOf(req), body, headers['Idempotency-Key']));
      },
    }),
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listMpesaAccounts',
      tag: TAG,
      summary: "List this mode's M-Pesa accounts",
      auth: 'signature',
      rateLimit: 'perProject',
      responses: { 200: { description: 'The accounts, masked.', schema: accountListSchema } },
      sample: {
        sdk: { node: 'mpesaAccounts.list', python: 'mpesa_accounts.list', php: 'mpesaAccounts.list' },
      },
      handler: async ({ deps, req, res }) => {
        res.json(await deps.accounts.list(scopeOf(req)));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/:id`,
      operationId: 'getMpesaAccount',
      tag: TAG,
      summary: 'Get an M-Pesa account',
      auth: 'signature',
      rateLimit: 'perProject',
      params: accountIdParams,
      responses: { 200: { description: 'The account, masked.', schema: accountResponseSchema } },
      errors: ['mpesa_account_not_found'],
      sample: {
        sdk: { node: 'mpesaAccounts.get', python: 'mpesa_accounts.retrieve', php: 'mpesaAccounts.retrieve' },
      },
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.accounts.get(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'patch',
      path: `${BASE}/:id`,
      operationId: 'updateMpesaAccount',
      audit: {
        action: 'mpesa_account.updated',
        fields: [
          'name',
          'shortcode',
          'tillNumber',
          'isDefault',
          'disabled',
          'consumerKey',
          'consumerSecret',
          'passkey',
          'initiatorName',
          'initiatorCredential',
        ],
      },
      tag: TAG,
      summary: 'Change an M-Pesa account',
      description:
        'New credentials are checked like new accounts. `isDefault: true` makes it the default of its mode. ' +
        '`disabled: true` stops it taking new payments (and being the default) until `disabled: false`.',
      auth: 'signature',
      operatorOnly,
      rateLimit: 'perProject',
      params: accountIdParams,
      body: updateAccountBody,
      responses: { 200: { description: 'The account, masked.', schema: accountResponseSchema } },
      errors: ['mpesa_account_not_found', 'mpesa_account_rejected', 'mpesa_unavailable'],
      sample: {
        sdk: {
          node: 'mpesaAccounts.update',
          python: 'mpesa_accounts.update',
          php: 'mpesaAccounts.update',
          phpArray: true,
        },
        body: { name: 'Shop till' },
      },
      handler: async ({ deps, req, res, params, body }) => {
        res.json(await deps.accounts.update(scopeOf(req), params.id, body));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/check`,
      operationId: 'checkMpesaAccount',
      tag: TAG,
      summary: 'Check an M-Pesa account',
      description:
        "A live OAuth call with the account's consumer key and secret to its environment (the deployment's simulator for simulator accounts), " +
        'answered as a verdict: `accepted`, `rejected` (Daraja refused the credentials: edit them) or `unreachable` (Daraja did not answer: nothing is known). ' +
        'The token it gets becomes the one payments through this account use. A member of the project may check too: it changes nothing.',
      auth: 'signature',
      rateLimit: 'perProject',
      params: accountIdParams,
      responses: { 200: { description: 'The verdict.', schema: accountCheckSchema } },
      errors: ['mpesa_account_not_found'],
      handler: async ({ deps, req, res, params }) => {
        res.json(await deps.accounts.check(scopeOf(req), params.id));
      },
    }),
    operation({
      method: 'delete',
      path: `${BASE}/:id`,
      operationId: 'deleteMpesaAccount',
      audit: { action: 'mpesa_account.deleted' },
      tag: TAG,
      summary: 'Delete an M-Pesa account',
      description: 'New payments can no longer use it; payments made through it still reconcile through it.',
      auth: 'signature',
      operatorOnly,
      rateLimit: 'perProject',
      params: accountIdParams,
      responses: { 204: { description: 'Deleted.' } },
      errors: ['mpesa_account_not_found'],
      sample: {
        sdk: { node: 'mpesaAccounts.delete', python: 'mpesa_accounts.delete', php: 'mpesaAccounts.delete' },
      },
      handler: async ({ deps, req, res, params }) => {
        await deps.accounts.remove(scopeOf(req), params.id);
        res.status(204).end();
      },
    }),
  ],
};
