// The public side of checkout: what the hosted page (and the embeddable button's overlay) calls,
// with no key at all. A link's URL opens that link only; a session needs its client secret
// (`X-Client-Secret`). Every operation counts its source address (`checkoutPerSource`); pushes
// are also counted per phone and per address (push-limits.ts).
import { z } from 'zod';
import type { Request, Response } from 'express';
import { AppError } from '../errors';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { Scope } from '../core/scope';
import { expecting, text } from '../validation';
import type { CheckoutService } from './checkout.service';
import { QR_PNG_WIDTHS, qrPng, qrSvg } from './checkout.qr';
import type { CheckoutUrls } from './checkout.view';
import {
  clientSecretHeader,
  payLinkBody,
  payResponseSchema,
  paySessionBody,
  publicLinkSchema,
  sessionSecretResponse,
  slugParams,
} from './public.schema';
import { sessionIdParams } from './session.schema';
import { renderCheckoutShell } from './checkout.shell';

export interface PublicCheckoutDeps {
  checkout: CheckoutService;
  checkoutUrls: CheckoutUrls;
  /** The project and mode of a public key (the embeddable button names one). */
  projects: { ownerOfKey(publicKey: string): Promise<Scope | undefined> };
}

const BASE = '/api/v1/checkout';
const TAG = 'Checkout pages';
const PUBLIC_KEY = 'a public key (pk_test_… or pk_live_…)';
const operation = defineOperation<PublicCheckoutDeps>();

const embedQuery = z.strictObject({
  key: text(PUBLIC_KEY)
    .max(200, expecting(PUBLIC_KEY))
    .regex(/^pk_(test|live)_[\w-]+$/, expecting(PUBLIC_KEY))
    .optional()
    .meta({
      description:
        "The embeddable button's public key: when given, the link or session must belong to its project and mode (else 404).",
    }),
});
/** The client secret the reference's samples show (tests/reference puts the reader's own in its place). */
const SECRET_EXAMPLE = 'cs_1a2b3c4d.SESSIONSECRET';
const secretHeaders = { 'X-Client-Secret': { schema: clientSecretHeader, required: false } };
const pageQuery = z.object({}).catchall(z.unknown());
const WIDTH = `a whole number of pixels from ${QR_PNG_WIDTHS.min} to ${QR_PNG_WIDTHS.max}`;
const DOWNLOAD = '1 to save the file instead of showing it';
const download = z
  .enum(['1'], expecting(DOWNLOAD))
  .optional()
  .meta({ description: "`1`: served as an attachment (the dashboard's download links)." });
const qrQuery = z.strictObject({
  format: z.enum(['svg', 'png'], expecting('svg or png')).default('svg'),
  download,
  width: z.coerce
    .number(expecting(WIDTH))
    .int(expecting(WIDTH))
    .min(QR_PNG_WIDTHS.min, expecting(WIDTH))
    .max(QR_PNG_WIDTHS.max, expecting(WIDTH))
    .default(QR_PNG_WIDTHS.default)
    .meta({ description: 'The PNG width; 1024 px when left out (sharp on an A4 poster).' }),
});

/** Refuses a public key that does not own the row, with the same 404 as a missing one. */
async function refuseForeignKey(
  deps: PublicCheckoutDeps,
  key: string | undefined,
  owned: { projectId: string; mode: string } | undefined,
  notFound: () => AppError,
): Promise<void> {
  if (!key) return;
  const owner = await deps.projects.ownerOfKey(key);
  if (!owner || !owned || !deps.checkout.belongsTo(owned, owner)) throw notFound();
}

/** The hosted page: one small static shell; its script reads the link or session through the API above. */
function sendShell(req: Request, res: Response) {
  // Embedded by the button on a merchant's site (any origin): only then may a frame hold it.
  const embedded = req.query.embed === '1';
  res.set(
    'Content-Security-Policy',
    [
      "default-src 'self'",
      "script-src 'self'",
      "style-src 'self'",
      "img-src 'self' data:",
      "connect-src 'self'",
      "object-src 'none'",
      "base-uri 'none'",
      "form-action 'self'",
      `frame-ancestors ${embedded ? '*' : "'none'"}`,
    ].join('; '),
  );
  res.removeHeader('X-Frame-Options');
  res.set('Referrer-Policy', 'no-referrer');
  res.set('Cache-Control', 'no-cache');
  res.type('html').send(renderCheckoutShell());
}

const htmlPage = {
  description: 'The hosted checkout page (HTML).',
  contentType: 'text/html',
  schema: z.string(),
};

export const publicCheckoutApi: FeatureApi<PublicCheckoutDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'What the hosted checkout page calls, with no key: read a link or a session, and press Pay. A session needs its ' +
        '`X-Client-Secret`. STK Pushes from these pages are limited per phone and per source address (`CHECKOUT_PUSHES_PER_PHONE`, ' +
        '`CHECKOUT_PUSHES_PER_ADDRESS` per `CHECKOUT_PUSH_WINDOW`: 3 and 30 per 10 minutes by default).',
    },
  ],
  operations: [
    operation({
      method: 'get',
      path: `${BASE}/links/:slug`,
      operationId: 'viewPublicPaymentLink',
      tag: TAG,
      summary: 'Read a payment link (its page)',
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: slugParams,
      query: embedQuery,
      responses: {
        200: { description: 'The link as its page shows it.', schema: z.object({ link: publicLinkSchema }) },
      },
      errors: ['payment_link_not_found', 'rate_limited'],
      handler: async ({ deps, res, params, query }) => {
        const link = await deps.checkout.viewLink(params.slug);
        const notFound = () => new AppError('payment_link_not_found', `No payment link ${params.slug}`);
        if (query.key)
          await refuseForeignKey(deps, query.key, await deps.checkout.ownerOfLink(params.slug), notFound);
        res.json({ link });
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/links/:slug/pay`,
      operationId: 'payPaymentLink',
      tag: TAG,
      summary: 'Pay through a link (send the STK Push)',
      description:
        'Makes a checkout session of the link (its amount and numbered reference fixed) and sends its first prompt. Follow the ' +
        "payment with `session.payment` (Socket.io, docs/realtime.md); try again with the session's pay operation.",
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: slugParams,
      body: payLinkBody,
      responses: { 201: { description: 'The prompt is on its way.', schema: payResponseSchema } },
      errors: [
        'payment_link_not_found',
        'payment_link_disabled',
        'payment_link_expired',
        'payment_link_used_up',
        'rate_limited',
        'mpesa_subscriber_busy',
        'mpesa_request_rejected',
        'mpesa_unavailable',
        'mpesa_account_missing',
      ],
      handler: async ({ deps, req, res, params, body }) => {
        res.status(201).json(await deps.checkout.payLink(params.slug, body, req.ip));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/sessions/:id`,
      operationId: 'viewPublicCheckoutSession',
      tag: TAG,
      summary: 'Read a checkout session (its page)',
      description:
        "Also the page's fallback while Socket.io is out of reach: `session.payment.transaction` is the latest attempt now.",
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: sessionIdParams,
      query: embedQuery,
      headers: secretHeaders,
      sample: { headers: { 'X-Client-Secret': SECRET_EXAMPLE } },
      responses: { 200: { description: 'The session as its page shows it.', schema: sessionSecretResponse } },
      errors: ['checkout_session_not_found', 'rate_limited'],
      handler: async ({ deps, res, params, query, headers }) => {
        const session = await deps.checkout.viewSession(params.id, headers['X-Client-Secret']);
        const notFound = () => new AppError('checkout_session_not_found', `No checkout session ${params.id}`);
        if (query.key)
          await refuseForeignKey(deps, query.key, await deps.checkout.ownerOfSession(params.id), notFound);
        res.json({ session });
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/sessions/:id/pay`,
      operationId: 'payCheckoutSession',
      tag: TAG,
      summary: 'Pay a checkout session (send the STK Push)',
      description:
        'The first attempt, or another after a failed, cancelled or unanswered one; one prompt at a time.',
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: sessionIdParams,
      headers: secretHeaders,
      sample: { headers: { 'X-Client-Secret': SECRET_EXAMPLE } },
      body: paySessionBody,
      responses: { 201: { description: 'The prompt is on its way.', schema: payResponseSchema } },
      errors: [
        'checkout_session_not_found',
        'checkout_session_paid',
        'checkout_payment_pending',
        'checkout_session_expired',
        'payment_link_disabled',
        'payment_link_expired',
        'payment_link_used_up',
        'project_disabled',
        'rate_limited',
        'mpesa_subscriber_busy',
        'mpesa_request_rejected',
        'mpesa_unavailable',
        'mpesa_account_missing',
      ],
      handler: async ({ deps, req, res, params, headers, body }) => {
        res
          .status(201)
          .json(await deps.checkout.paySession(params.id, headers['X-Client-Secret'], body.phone, req.ip));
      },
    }),
    operation({
      method: 'get',
      path: '/l/:slug',
      operationId: 'paymentLinkPage',
      tag: TAG,
      summary: "A payment link's hosted page",
      description:
        'Mobile first, English and Swahili, no third-party resource. `?embed=1` (the button) lets any site frame it.',
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: slugParams,
      query: pageQuery,
      responses: { 200: htmlPage },
      errors: ['rate_limited'],
      handler: ({ req, res }) => sendShell(req, res),
    }),
    operation({
      method: 'get',
      path: '/c/:id',
      operationId: 'checkoutSessionPage',
      tag: TAG,
      summary: "A checkout session's hosted page",
      description:
        'Its client secret travels in the fragment (`/c/{id}#{clientSecret}`), which no server sees.',
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: sessionIdParams,
      query: pageQuery,
      responses: { 200: htmlPage },
      errors: ['rate_limited'],
      handler: ({ req, res }) => sendShell(req, res),
    }),
    operation({
      method: 'get',
      path: '/l/:slug/qr',
      operationId: 'paymentLinkQr',
      tag: TAG,
      summary: "A payment link's QR code (SVG or PNG)",
      description:
        "The link's URL as a QR code for printing: SVG (vector, the default) or, with `format=png`, a black and white PNG about " +
        '1024 px wide unless `width` says otherwise (whole pixels per module, so at most that).',
      auth: 'none',
      rateLimit: 'checkoutPerSource',
      params: slugParams,
      query: qrQuery,
      responses: {
        200: {
          description: 'The QR code (image/png with `format=png`).',
          contentType: 'image/svg+xml',
          schema: z.string(),
        },
      },
      errors: ['payment_link_not_found', 'rate_limited'],
      handler: async ({ deps, res, params, query }) => {
        await deps.checkout.viewLink(params.slug);
        const url = deps.checkoutUrls.link(params.slug);
        res.set('Cache-Control', 'public, max-age=3600');
        // A printed poster is one use; a merchant's own site showing the code is another.
        res.set('Cross-Origin-Resource-Policy', 'cross-origin');
        res.set(
          'Content-Disposition',
          `${query.download ? 'attachment' : 'inline'}; filename="${params.slug}.${query.format}"`,
        );
        if (query.format === 'png') res.type('image/png').send(qrPng(url, query.width));
        else res.type('image/svg+xml').send(await qrSvg(url));
      },
    }),
  ],
};
