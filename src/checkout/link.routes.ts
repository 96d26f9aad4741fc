// Merchant API for payment links and checkout sessions: each operation declared once
// (src/core/operation.ts), behind the signature (or a dashboard session) and the per-project limit.
import type { Config } from '../config';
import { scopeOf } from '../core/scope';
import { defineOperation, type FeatureApi } from '../core/operation';
import {
  createLinkBody,
  linkIdParams,
  linkPageSchema,
  linkPaymentsSchema,
  linkResponseSchema,
  listLinksQuery,
  updateLinkBody,
} from './link.schema';
import type { LinksService } from './link.service';
import { createSessionBody, sessionIdParams, sessionResponseSchema } from './session.schema';
import type { CheckoutService } from './checkout.service';

export interface LinksDeps {
  links: LinksService;
  checkout: CheckoutService;
}

const LINKS = '/api/v1/payment-links';
const SESSIONS = '/api/v1/checkout-sessions';
const TAG = 'Checkout';
const operation = defineOperation<LinksDeps>();

export function linksApi(amount: Config['amount']): FeatureApi<LinksDeps> {
  return {
    tags: [
      {
        name: TAG,
        description:
          'Payment links (a public page at `/l/{slug}` anyone may pay, no backend needed) and checkout sessions (a page at `/c/{id}` ' +
          "for one order your server prices). The page takes the customer's phone and sends the STK Push itself; the payment is a " +
          'transaction like any other (webhooks, realtime, reconciliation), its `metadata.checkout` naming the session and link. ' +
          'Guide: docs/checkout.md.',
      },
    ],
    operations: [
      operation({
        method: 'post',
        path: LINKS,
        operationId: 'createPaymentLink',
        tag: TAG,
        summary: 'Create a payment link',
        description:
          'Amount: `amount` (fixed), `minAmount` and `maxAmount` (the customer chooses in the range), or neither (any amount ' +
          'the deployment allows). Reference: `referenceTemplate` (`INV-{n}`, numbered per checkout; `PAY-{n}` by default) or ' +
          '`referenceLabel` (the customer types it). A link made with test keys reaches only simulator and sandbox accounts.',
        auth: 'signature',
        rateLimit: 'perProject',
        body: createLinkBody(amount),
        responses: {
          201: { description: 'The link, with its URL and QR codes.', schema: linkResponseSchema },
        },
        errors: ['payment_link_slug_taken', 'mpesa_account_not_found'],
        handler: async ({ deps, req, res, body }) => {
          res.status(201).json({ link: await deps.links.create(scopeOf(req), body) });
        },
      }),
      operation({
        method: 'get',
        path: LINKS,
        operationId: 'listPaymentLinks',
        tag: TAG,
        summary: 'List payment links',
        description:
          "The project's links in this mode, newest first, a page at a time (follow `nextCursor`).",
        auth: 'signature',
        rateLimit: 'perProject',
        query: listLinksQuery,
        responses: { 200: { description: 'One page.', schema: linkPageSchema } },
        handler: async ({ deps, req, res, query }) => {
          res.json(await deps.links.list(scopeOf(req), query));
        },
      }),
      operation({
        method: 'get',
        path: `${LINKS}/:id`,
        operationId: 'getPaymentLink',
        tag: TAG,
        summary: 'Get a payment link',
        auth: 'signature',
        rateLimit: 'perProject',
        params: linkIdParams,
        responses: { 200: { description: 'The link.', schema: linkResponseSchema } },
        errors: ['payment_link_not_found'],
        handler: async ({ deps, req, res, params }) => {
          res.json({ link: await deps.links.get(scopeOf(req), params.id) });
        },
      }),
      operation({
        method: 'patch',
        path: `${LINKS}/:id`,
        operationId: 'updatePaymentLink',
        tag: TAG,
        summary: 'Change, disable or reopen a payment link',
        description:
          '`disabled: true` stops it taking payments at once (its page says so); prompts already sent still settle.',
        auth: 'signature',
        rateLimit: 'perProject',
        params: linkIdParams,
        body: updateLinkBody,
        responses: { 200: { description: 'The link as it is now.', schema: linkResponseSchema } },
        errors: ['payment_link_not_found'],
        sample: { body: { title: 'Yoga class (Saturdays)' } },
        handler: async ({ deps, req, res, params, body }) => {
          res.json({ link: await deps.links.update(scopeOf(req), params.id, body) });
        },
      }),
      operation({
        method: 'get',
        path: `${LINKS}/:id/payments`,
        operationId: 'listPaymentLinkPayments',
        tag: TAG,
        summary: "A payment link's payments",
        description:
          'Every payment started through the link (each press of Pay), newest first, a page at a time.',
        auth: 'signature',
        rateLimit: 'perProject',
        params: linkIdParams,
        query: listLinksQuery,
        responses: { 200: { description: 'One page.', schema: linkPaymentsSchema } },
        errors: ['payment_link_not_found'],
        handler: async ({ deps, req, res, params, query }) => {
          res.json(await deps.links.payments(scopeOf(req), params.id, query));
        },
      }),
      operation({
        method: 'post',
        path: SESSIONS,
        operationId: 'createCheckoutSession',
        tag: TAG,
        summary: 'Create a checkout session',
        description:
          'Your server fixes the amount and the reference; send the customer to `url` (or open it with the embeddable button and ' +
          '`clientSecret`). The page expires at `expiresAt`. The payment reaches you as usual: the `transaction.completed` ' +
          'webhook, whose `metadata.checkout.sessionId` is this id, is the record of payment.',
        auth: 'signature',
        rateLimit: 'perProject',
        body: createSessionBody(amount),
        responses: {
          201: {
            description: '`{id, url, clientSecret, expiresAt}` and the rest of the session.',
            schema: sessionResponseSchema,
          },
        },
        errors: ['mpesa_account_not_found'],
        handler: async ({ deps, req, res, body }) => {
          res.status(201).json(await deps.checkout.createSession(scopeOf(req), body));
        },
      }),
      operation({
        method: 'get',
        path: `${SESSIONS}/:id`,
        operationId: 'getCheckoutSession',
        tag: TAG,
        summary: 'Get a checkout session',
        auth: 'signature',
        rateLimit: 'perProject',
        params: sessionIdParams,
        responses: { 200: { description: 'The session and its payments.', schema: sessionResponseSchema } },
        errors: ['checkout_session_not_found'],
        handler: async ({ deps, req, res, params }) => {
          res.json(await deps.checkout.getSession(scopeOf(req), params.id));
        },
      }),
    ],
  };
}
