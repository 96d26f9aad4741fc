// Checkouts: the sessions a merchant's server creates, and paying on the hosted page, through a
// link or a session. A payment is started by the ledger's one initiate use case (passed in by
// composition), never a path of its own:
//
//   find the link or session -> check it takes a payment -> count the push (per phone, per
//   address) -> claim an attempt (locked: uses and one prompt at a time) -> initiate, keyed by
//   the attempt -> the session as the page sees it
//
// The amount and the reference are decided here from the stored link or session; the page only
// sends a phone (and, where the link asks, an amount or a reference, checked against its rule).
import type { Config } from '../config';
import type { Database, Queryable } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Scope } from '../core/scope';
import type { InitiateInput } from '../payments/transaction.schema';
import { toClientView, type MerchantTransactionView } from '../payments/transaction.view';
import {
  deleteAttempt,
  findLinkById,
  findLinkBySlug,
  findProjectSession,
  findSession,
  heldUses,
  insertAttempt,
  insertSession,
  lockLink,
  lockSession,
  paidCounts,
  sessionAttempts,
  takeNumber,
  type LinkRow,
  type SessionRow,
} from './checkout.repository';
import {
  amountRangeOf,
  linkStateOf,
  sessionStateOf,
  toPublicLinkView,
  toSessionView,
  type CheckoutUrls,
} from './checkout.view';
import type { PayLinkInput, PublicLinkView, PublicSessionView } from './public.schema';
import type { PushLimits } from './push-limits';
import { MAX_REFERENCE_NUMBER, renderReference } from './reference';
import type { CreateSessionInput, SessionView } from './session.schema';

/** A session a link's customer starts: long enough to try again, short enough to release its number. */
const LINK_SESSION_TTL_MS = 30 * 60 * 1000;

/** The ledger's initiate (src/transactions), keyed by the attempt so no attempt is ever pushed twice. */
export interface StartPayment {
  initiate(
    scope: Scope,
    input: InitiateInput,
    idempotencyKey: string,
  ): Promise<{ body: { transaction: MerchantTransactionView; clientSecret: string } }>;
}

/** Where a C2B payment would settle this checkout instead (null: the account takes none). */
export type PayInstead = (checkout: {
  projectId: string;
  mode: string;
  accountId: string | null;
  accountReference: string;
}) => Promise<{ payBill: string; accountNumber: string } | null>;

interface Deps {
  db: Database;
  amount: Config['amount'];
  payments: StartPayment;
  secrets: { clientSecret(id: string): string; isClientSecret(id: string, candidate: string): boolean };
  limits: PushLimits;
  urls: CheckoutUrls;
  projectState(id: string): Promise<{ disabled: boolean; name: string } | undefined>;
  payInstead: PayInstead;
  /** Refuses an account the scope may not pay into (another project's, another mode's). */
  checkAccount(scope: Scope, accountId: string): Promise<void>;
  /** An attempt with no payment row yet holds its use this long (Daraja's timeout and some). */
  claimMs: number;
  clock?: () => Date;
}

export type CheckoutService = ReturnType<typeof createCheckoutService>;

export function createCheckoutService(deps: Deps) {
  const { db, secrets, clock = () => new Date() } = deps;
  const claimedSince = (now: Date) => new Date(now.getTime() - deps.claimMs);
  const scopeOf = (row: { projectId: string; mode: string }) =>
    ({ projectId: row.projectId, mode: row.mode }) as Scope;

  async function merchantOf(projectId: string): Promise<{ name: string; disabled: boolean }> {
    return (await deps.projectState(projectId)) ?? { name: '', disabled: true };
  }

  /** The link as its page shows it; a disabled project's links read as disabled. */
  async function linkView(link: LinkRow): Promise<PublicLinkView> {
    const merchant = await merchantOf(link.projectId);
    const paid = (await paidCounts(db, [link])).get(link.id) ?? 0;
    const state = merchant.disabled ? 'disabled' : linkStateOf(link, paid, clock());
    return toPublicLinkView(link, merchant.name, state, deps.amount);
  }

  async function publicSession(session: SessionRow, q: Queryable = db): Promise<PublicSessionView> {
    const attempts = await sessionAttempts(q, session);
    const now = clock();
    const link = session.linkId ? await findLinkById(q, session.linkId) : undefined;
    const last = [...attempts].reverse().find(({ payment }) => payment)?.payment;
    return {
      id: session.id,
      merchant: { name: (await merchantOf(session.projectId)).name },
      mode: session.mode as Scope['mode'],
      state: sessionStateOf(session, attempts, now, claimedSince(now)),
      title: session.title ?? link?.title ?? null,
      amount: session.amount,
      accountReference: session.accountReference,
      expiresAt: session.expiresAt.toISOString(),
      successUrl: session.successUrl,
      cancelUrl: session.cancelUrl,
      linkSlug: link?.slug ?? null,
      payInstead: await deps.payInstead(session),
      payment: last ? { transaction: toClientView(last), clientSecret: secrets.clientSecret(last.id) } : null,
    };
  }

  async function openSession(id: string, clientSecret: string | undefined): Promise<SessionRow> {
    const session = await findSession(db, id);
    // One answer for "no such session" and "wrong secret": the id alone tells nothing.
    if (!session || !clientSecret || !secrets.isClientSecret(id, clientSecret))
      throw new AppError('checkout_session_not_found', `No checkout session ${id} for this client secret`);
    return session;
  }

  async function linkBySlug(slug: string): Promise<LinkRow> {
    const link = await findLinkBySlug(db, slug);
    if (!link) throw new AppError('payment_link_not_found', `No payment link ${slug}`);
    return link;
  }

  /**
   * Throws unless the link takes a payment now (uses are counted later, under its lock). Reads
   * nothing: it runs inside transactions, with the merchant read before.
   */
  function refuseClosedLink(link: LinkRow, merchantDisabled: boolean): void {
    const now = clock();
    if (link.disabledAt || merchantDisabled)
      throw new AppError('payment_link_disabled', 'This payment link has been switched off by the merchant');
    if (link.expiresAt && link.expiresAt.getTime() <= now.getTime())
      throw new AppError(
        'payment_link_expired',
        `This payment link expired at ${link.expiresAt.toISOString()}`,
        {
          expiresAt: link.expiresAt.toISOString(),
        },
      );
  }

  /** Throws when every use of the link is paid, or on a phone right now. */
  async function refuseUsedUp(tx: Queryable, link: LinkRow): Promise<void> {
    if (link.maxUses === null) return;
    const held = await heldUses(tx, link, claimedSince(clock()));
    if (held >= link.maxUses)
      throw new AppError(
        'payment_link_used_up',
        'This payment link has been used as many times as it allows',
        {
          maxUses: link.maxUses,
        },
      );
  }

  async function refuseClosedSession(q: Queryable, session: SessionRow): Promise<void> {
    const now = clock();
    const state = sessionStateOf(session, await sessionAttempts(q, session), now, claimedSince(now));
    if (state === 'paid') throw new AppError('checkout_session_paid', 'This checkout is already paid');
    if (state === 'pending')
      throw new AppError(
        'checkout_payment_pending',
        'A payment prompt of this checkout is still open on a phone: answer it, or wait for it to end',
      );
    if (state === 'expired')
      throw new AppError(
        'checkout_session_expired',
        `This checkout expired at ${session.expiresAt.toISOString()}`,
      );
  }

  /** Sends the prompt of a claimed attempt; an attempt refused before the ledger had its row is let go. */
  async function push(session: SessionRow, attemptId: string, phone: string): Promise<PayResult> {
    const link = session.linkId ? await findLinkById(db, session.linkId) : undefined;
    const metadata = {
      ...(session.metadata ? (JSON.parse(session.metadata) as Record<string, unknown>) : {}),
      checkout: { sessionId: session.id, ...(link ? { linkId: link.id, linkSlug: link.slug } : {}) },
    };
    try {
      await deps.payments.initiate(
        scopeOf(session),
        {
          phone,
          amount: session.amount,
          accountReference: session.accountReference,
          description: session.paymentDescription ?? undefined,
          account: session.accountId ?? undefined,
          metadata,
        },
        attemptId,
      );
    } catch (error) {
      // A refused push fails its payment in the ledger (details.transactionId): the attempt stays as its record.
      if (!(error instanceof AppError && typeof error.details?.transactionId === 'string'))
        await deleteAttempt(db, attemptId);
      throw error;
    }
    return { session: await publicSession(session), sessionClientSecret: secrets.clientSecret(session.id) };
  }

  const claimAttempt = (tx: Queryable, session: SessionRow, at: Date) => {
    const attempt = { id: newId('cka', at), sessionId: session.id, linkId: session.linkId, createdAt: at };
    return insertAttempt(tx, attempt).then(() => attempt.id);
  };

  return {
    async viewLink(slug: string): Promise<PublicLinkView> {
      return linkView(await linkBySlug(slug));
    },

    /** A customer pays through a link: a session of its own (the amount and the reference fixed), then its first attempt. */
    async payLink(slug: string, input: PayLinkInput, address: string | undefined): Promise<PayResult> {
      const link = await linkBySlug(slug);
      const { disabled } = await merchantOf(link.projectId);
      refuseClosedLink(link, disabled);
      const amount = amountOf(link, input.amount, deps.amount);
      const reference = link.referenceLabel ? referenceOf(link, input.reference) : undefined;
      await deps.limits.take(input.phone, address);
      const { session, attemptId } = await db.transaction(async (tx) => {
        const locked = (await lockLink(tx, link.id))!;
        refuseClosedLink(locked, disabled);
        await refuseUsedUp(tx, locked);
        const now = clock();
        let accountReference = reference;
        if (accountReference === undefined) {
          const n = await takeNumber(tx, locked, now);
          if (n > MAX_REFERENCE_NUMBER)
            throw new AppError(
              'payment_link_used_up',
              'This payment link has numbered all the checkouts it can',
            );
          accountReference = renderReference(locked.referenceTemplate!, n);
        }
        const row: SessionRow = {
          id: newId('chk', now),
          projectId: locked.projectId,
          mode: locked.mode,
          linkId: locked.id,
          amount,
          accountReference,
          title: null,
          paymentDescription: locked.paymentDescription,
          metadata: locked.metadata,
          successUrl: locked.redirectUrl,
          cancelUrl: null,
          accountId: locked.accountId,
          expiresAt: new Date(now.getTime() + LINK_SESSION_TTL_MS),
          createdAt: now,
        };
        await insertSession(tx, row);
        return { session: row, attemptId: await claimAttempt(tx, row, now) };
      });
      return push(session, attemptId, input.phone);
    },

    async viewSession(id: string, clientSecret: string | undefined): Promise<PublicSessionView> {
      return publicSession(await openSession(id, clientSecret));
    },

    /** The customer presses Pay on a session's page (its first attempt, or another after a failure). */
    async paySession(
      id: string,
      clientSecret: string | undefined,
      phone: string,
      address: string | undefined,
    ): Promise<PayResult> {
      const session = await openSession(id, clientSecret);
      if ((await merchantOf(session.projectId)).disabled)
        throw new AppError('project_disabled', 'This merchant does not take payments here any more');
      const link = session.linkId ? await findLinkById(db, session.linkId) : undefined;
      if (link) refuseClosedLink(link, false);
      await refuseClosedSession(db, session);
      await deps.limits.take(phone, address);
      const attemptId = await db.transaction(async (tx) => {
        await lockSession(tx, session.id);
        await refuseClosedSession(tx, session);
        if (link) {
          const locked = (await lockLink(tx, link.id))!;
          refuseClosedLink(locked, false);
          await refuseUsedUp(tx, locked);
        }
        return claimAttempt(tx, session, clock());
      });
      return push(session, attemptId, phone);
    },

    /** The merchant's server creates a session: the amount and reference are its own. */
    async createSession(scope: Scope, input: CreateSessionInput): Promise<SessionView> {
      if (input.account) await deps.checkAccount(scope, input.account);
      const now = clock();
      const row: SessionRow = {
        id: newId('chk', now),
        projectId: scope.projectId,
        mode: scope.mode,
        linkId: null,
        amount: input.amount,
        accountReference: input.accountReference,
        title: input.title ?? null,
        paymentDescription: input.description ?? null,
        metadata: input.metadata ? JSON.stringify(input.metadata) : null,
        successUrl: input.successUrl ?? null,
        cancelUrl: input.cancelUrl ?? null,
        accountId: input.account ?? null,
        expiresAt: new Date(now.getTime() + input.expiresInSeconds * 1000),
        createdAt: now,
      };
      await insertSession(db, row);
      return merchantSession(row);
    },

    async getSession(scope: Scope, id: string): Promise<SessionView> {
      const session = await findProjectSession(db, scope, id);
      if (!session) throw new AppError('checkout_session_not_found', `No checkout session ${id}`);
      return merchantSession(session);
    },

    /** Who owns a link or a session (the embeddable button's public key must be theirs). */
    async ownerOfLink(slug: string): Promise<{ projectId: string; mode: string } | undefined> {
      return findLinkBySlug(db, slug);
    },
    async ownerOfSession(id: string): Promise<{ projectId: string; mode: string } | undefined> {
      return findSession(db, id);
    },

    /** Whether a public key may open this link or session (the embeddable button's check). */
    belongsTo(row: { projectId: string; mode: string }, owner: Scope): boolean {
      return row.projectId === owner.projectId && row.mode === owner.mode;
    },
  };

  async function merchantSession(session: SessionRow): Promise<SessionView> {
    const attempts = await sessionAttempts(db, session);
    const now = clock();
    const state = sessionStateOf(session, attempts, now, claimedSince(now));
    return toSessionView(session, attempts, state, secrets.clientSecret(session.id), deps.urls);
  }
}

export interface PayResult {
  session: PublicSessionView;
  sessionClientSecret: string;
}

/** The amount of a checkout through `link`: its fixed amount, or the customer's within its rule. */
function amountOf(link: LinkRow, asked: number | undefined, bounds: Config['amount']): number {
  const { min, max } = amountRangeOf(link, bounds);
  if (link.amountType === 'fixed') {
    if (asked !== undefined && asked !== link.amount)
      throw amountProblem(`this link takes exactly KES ${link.amount}`);
    return link.amount!;
  }
  if (asked === undefined) throw amountProblem(`is required: a whole number of KES from ${min} to ${max}`);
  if (asked < min || asked > max) throw amountProblem(`must be from KES ${min} to KES ${max}`);
  return asked;
}

function amountProblem(message: string): AppError {
  return new AppError('validation_failed', `amount: ${message}`, {
    fields: [{ field: 'amount', in: 'body', message }],
  });
}

function referenceOf(link: LinkRow, typed: string | undefined): string {
  if (typed !== undefined) return typed;
  const message = `is required: the ${link.referenceLabel} (1 to 12 characters)`;
  throw new AppError('validation_failed', `reference: ${message}`, {
    fields: [{ field: 'reference', in: 'body', message }],
  });
}
