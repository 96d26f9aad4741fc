// Payment links and checkout sessions (docs/checkout.md). Creating either starts no payment: the
// customer presses Pay on the hosted page, and the payment reaches you like any other (the
// `transaction.completed` webhook, its `metadata.checkout` naming the session and link).
import type { createHttp } from './http.js';
import type {
  CheckoutSession,
  CreateCheckoutSessionInput,
  CreatePaymentLinkInput,
  PaymentLink,
  PaymentLinkPage,
  PaymentLinkPaymentsPage,
  UpdatePaymentLinkInput,
} from './checkout-types.js';

export interface PaymentLinksApi {
  create(input: CreatePaymentLinkInput): Promise<PaymentLink>;
  /** A page of this key's mode's links, newest first; pass `nextCursor` as `cursor` for the next. */
  list(options?: { limit?: number; cursor?: string }): Promise<PaymentLinkPage>;
  get(id: string): Promise<PaymentLink>;
  update(id: string, changes: UpdatePaymentLinkInput): Promise<PaymentLink>;
  /** Stops the link taking payments at once (its page says so). */
  disable(id: string): Promise<PaymentLink>;
  enable(id: string): Promise<PaymentLink>;
  /** The payments started through the link, newest first. */
  payments(id: string, options?: { limit?: number; cursor?: string }): Promise<PaymentLinkPaymentsPage>;
}

export interface CheckoutSessionsApi {
  /** `{ id, url, clientSecret, expiresAt, … }`: send the customer to `url`. */
  create(input: CreateCheckoutSessionInput): Promise<CheckoutSession>;
  get(id: string): Promise<CheckoutSession>;
}

const LINKS = '/api/v1/payment-links';
const SESSIONS = '/api/v1/checkout-sessions';
const pageQuery = (options: { limit?: number; cursor?: string } = {}) => ({
  limit: options.limit === undefined ? undefined : String(options.limit),
  cursor: options.cursor,
});

export function createPaymentLinksApi(request: ReturnType<typeof createHttp>): PaymentLinksApi {
  const pathOf = (id: string) => `${LINKS}/${encodeURIComponent(id)}`;
  const update = async (id: string, changes: UpdatePaymentLinkInput) =>
    (
      await request<{ link: PaymentLink }>({
        method: 'PATCH',
        path: pathOf(id),
        body: changes,
        retry: 'idempotent-write',
      })
    ).body.link;
  return {
    async create(input) {
      // Not retried after a lost answer: a second call would make a second link.
      const { body } = await request<{ link: PaymentLink }>({
        method: 'POST',
        path: LINKS,
        body: input,
        retry: 'write',
      });
      return body.link;
    },
    async list(options) {
      return (
        await request<PaymentLinkPage>({
          method: 'GET',
          path: LINKS,
          query: pageQuery(options),
          retry: 'read',
        })
      ).body;
    },
    async get(id) {
      return (await request<{ link: PaymentLink }>({ method: 'GET', path: pathOf(id), retry: 'read' })).body
        .link;
    },
    update,
    disable: (id) => update(id, { disabled: true }),
    enable: (id) => update(id, { disabled: false }),
    async payments(id, options) {
      return (
        await request<PaymentLinkPaymentsPage>({
          method: 'GET',
          path: `${pathOf(id)}/payments`,
          query: pageQuery(options),
          retry: 'read',
        })
      ).body;
    },
  };
}

export function createCheckoutSessionsApi(request: ReturnType<typeof createHttp>): CheckoutSessionsApi {
  return {
    async create(input) {
      return (await request<CheckoutSession>({ method: 'POST', path: SESSIONS, body: input, retry: 'write' }))
        .body;
    },
    async get(id) {
      return (
        await request<CheckoutSession>({
          method: 'GET',
          path: `${SESSIONS}/${encodeURIComponent(id)}`,
          retry: 'read',
        })
      ).body;
    },
  };
}
