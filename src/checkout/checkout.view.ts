// What links and sessions are now (pure functions of their rows, their attempts and the clock),
// and the mappers every answer goes through: a row is never sent as it is.
import type { Config } from '../config';
import type { Mode } from '../core/scope';
import { isPaid } from '../payments/transaction.same-receipt';
import type { AttemptWithPayment, LinkRow, SessionRow } from './checkout.repository';
import type { AmountType, LinkState, LinkView } from './link.schema';
import type { SessionState, SessionView } from './session.schema';
import type { PublicLinkView } from './public.schema';

/** Where customers reach the pages of this deployment (CHECKOUT_BASE_URL). */
export interface CheckoutUrls {
  link(slug: string): string;
  session(id: string, clientSecret: string): string;
  qr(slug: string, format: 'svg' | 'png'): string;
}

export function checkoutUrls(baseUrl: string): CheckoutUrls {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    link: (slug) => `${base}/l/${slug}`,
    // The secret in the fragment: browsers never send it, so no server or proxy log holds it.
    session: (id, clientSecret) => `${base}/c/${id}#${clientSecret}`,
    qr: (slug, format) => `${base}/l/${slug}/qr${format === 'png' ? '?format=png' : ''}`,
  };
}

/** A link's state for a reader; `paid` is its paid checkouts. Taking a checkout also counts the ones on a phone. */
export function linkStateOf(link: LinkRow, paid: number, now: Date): LinkState {
  if (link.disabledAt) return 'disabled';
  if (link.expiresAt && link.expiresAt.getTime() <= now.getTime()) return 'expired';
  if (link.maxUses !== null && paid >= link.maxUses) return 'used_up';
  return 'active';
}

/**
 * paid (any attempt's money recorded: completed, or linked by `paidAs` to the payment that holds
 * its receipt; final) > pending (a prompt on the phone) > expired > open.
 */
export function sessionStateOf(
  session: SessionRow,
  attempts: readonly AttemptWithPayment[],
  now: Date,
  claimedSince: Date,
): SessionState {
  if (attempts.some(({ payment }) => payment && isPaid(payment))) return 'paid';
  const inFlight = attempts.some(
    ({ attempt, payment }) =>
      payment?.status === 'pending' || (!payment && attempt.createdAt.getTime() > claimedSince.getTime()),
  );
  if (inFlight) return 'pending';
  if (session.expiresAt.getTime() <= now.getTime()) return 'expired';
  return 'open';
}

const parsed = (json: string | null) => (json ? (JSON.parse(json) as Record<string, unknown>) : null);

export function toLinkView(link: LinkRow, paid: number, urls: CheckoutUrls, now: Date): LinkView {
  return {
    id: link.id,
    slug: link.slug,
    url: urls.link(link.slug),
    qr: { svg: urls.qr(link.slug, 'svg'), png: urls.qr(link.slug, 'png') },
    mode: link.mode as Mode,
    state: linkStateOf(link, paid, now),
    title: link.title,
    description: link.description,
    amountType: link.amountType as AmountType,
    amount: link.amount,
    minAmount: link.amountMin,
    maxAmount: link.amountMax,
    maxUses: link.maxUses,
    uses: paid,
    expiresAt: link.expiresAt?.toISOString() ?? null,
    referenceTemplate: link.referenceTemplate,
    referenceLabel: link.referenceLabel,
    paymentDescription: link.paymentDescription,
    metadata: parsed(link.metadata),
    redirectUrl: link.redirectUrl,
    accountId: link.accountId,
    disabledAt: link.disabledAt?.toISOString() ?? null,
    createdAt: link.createdAt.toISOString(),
    updatedAt: link.updatedAt.toISOString(),
  };
}

/** The amounts a link takes: its own rule within the deployment's AMOUNT_MIN..AMOUNT_MAX. */
export function amountRangeOf(link: LinkRow, bounds: Config['amount']): { min: number; max: number } {
  if (link.amountType === 'fixed') return { min: link.amount!, max: link.amount! };
  if (link.amountType === 'range') return { min: link.amountMin!, max: link.amountMax! };
  return bounds;
}

export function toPublicLinkView(
  link: LinkRow,
  merchantName: string,
  state: LinkState,
  bounds: Config['amount'],
): PublicLinkView {
  return {
    slug: link.slug,
    merchant: { name: merchantName },
    mode: link.mode as Mode,
    state,
    title: link.title,
    description: link.description,
    amount: { type: link.amountType as AmountType, value: link.amount, ...amountRangeOf(link, bounds) },
    reference: link.referenceLabel
      ? { type: 'customer', label: link.referenceLabel }
      : { type: 'numbered', label: null },
    redirectUrl: link.redirectUrl,
  };
}

export function toSessionView(
  session: SessionRow,
  attempts: readonly AttemptWithPayment[],
  state: SessionState,
  clientSecret: string,
  urls: CheckoutUrls,
): SessionView {
  const payments = attempts.flatMap(({ payment }) => (payment ? [payment] : []));
  return {
    id: session.id,
    url: urls.session(session.id, clientSecret),
    clientSecret,
    expiresAt: session.expiresAt.toISOString(),
    state,
    mode: session.mode as Mode,
    amount: session.amount,
    accountReference: session.accountReference,
    title: session.title,
    description: session.paymentDescription,
    metadata: parsed(session.metadata),
    successUrl: session.successUrl,
    cancelUrl: session.cancelUrl,
    linkId: session.linkId,
    transactionIds: payments.map((payment) => payment.id),
    paidTransactionId: payments.find(isPaid)?.id ?? null,
    createdAt: session.createdAt.toISOString(),
  };
}
