// The merchant's payment links: create, list, read, change (disable, reopen) and the payments
// each took. Paying through a link is checkout.service.ts's.
import { randomBytes } from 'node:crypto';
import { isUniqueViolation, type Database } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Scope } from '../core/scope';
import { toMerchantView, type MerchantTransactionView } from '../payments/transaction.view';
import {
  findLink,
  insertLink,
  listLinkPayments,
  listLinks,
  paidCounts,
  updateLink,
  type LinkPatch,
  type LinkRow,
  type NewLink,
} from './checkout.repository';
import { toLinkView, type CheckoutUrls } from './checkout.view';
import type { CreateLinkInput, LinkView, UpdateLinkInput } from './link.schema';
import { DEFAULT_TEMPLATE } from './reference';

const SLUG_ALPHABET = 'abcdefghijkmnpqrstuvwxyz23456789'; // no 0/o, 1/l: read aloud and typed from a poster
const SLUG_LENGTH = 8;
const SLUG_TRIES = 5;

interface Deps {
  db: Database;
  urls: CheckoutUrls;
  /** Refuses an account the scope may not pay into (another project's, another mode's). */
  checkAccount(scope: Scope, accountId: string): Promise<void>;
  clock?: () => Date;
}

export type LinksService = ReturnType<typeof createLinksService>;

export function createLinksService({ db, urls, checkAccount, clock = () => new Date() }: Deps) {
  const viewsOf = async (links: readonly LinkRow[]): Promise<LinkView[]> => {
    const paid = await paidCounts(db, links);
    const now = clock();
    return links.map((link) => toLinkView(link, paid.get(link.id) ?? 0, urls, now));
  };

  async function existing(scope: Scope, id: string): Promise<LinkRow> {
    const link = await findLink(db, scope, id);
    if (!link) throw new AppError('payment_link_not_found', `No payment link ${id}`);
    return link;
  }

  return {
    async create(scope: Scope, input: CreateLinkInput): Promise<LinkView> {
      if (input.account) await checkAccount(scope, input.account);
      const now = clock();
      for (let attempt = 0; ; attempt++) {
        const row = newLink(scope, input, input.slug ?? randomSlug(), now);
        try {
          await insertLink(db, row);
          return (await viewsOf([row]))[0]!;
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          if (input.slug)
            throw new AppError('payment_link_slug_taken', `The slug ${input.slug} is taken: choose another`, {
              slug: input.slug,
            });
          if (attempt >= SLUG_TRIES) throw error;
        }
      }
    },

    async list(scope: Scope, query: { limit: number; cursor?: string }) {
      const rows = await listLinks(db, scope, { before: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return {
        data: await viewsOf(page),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },

    async get(scope: Scope, id: string): Promise<LinkView> {
      return (await viewsOf([await existing(scope, id)]))[0]!;
    },

    async update(scope: Scope, id: string, input: UpdateLinkInput): Promise<LinkView> {
      const link = await existing(scope, id);
      const now = clock();
      const patch: LinkPatch = { updatedAt: now };
      if (input.title !== undefined) patch.title = input.title;
      if (input.description !== undefined) patch.description = input.description || null;
      if (input.maxUses !== undefined) patch.maxUses = input.maxUses;
      if (input.expiresAt !== undefined) patch.expiresAt = input.expiresAt;
      if (input.redirectUrl !== undefined) patch.redirectUrl = input.redirectUrl;
      // Disabling keeps the first time it was disabled; enabling clears it.
      if (input.disabled !== undefined) patch.disabledAt = input.disabled ? (link.disabledAt ?? now) : null;
      await updateLink(db, link.id, patch);
      return (await viewsOf([await existing(scope, id)]))[0]!;
    },

    async payments(
      scope: Scope,
      id: string,
      query: { limit: number; cursor?: string },
    ): Promise<{ data: MerchantTransactionView[]; nextCursor: string | null }> {
      const link = await existing(scope, id);
      const rows = await listLinkPayments(db, link, { before: query.cursor, limit: query.limit + 1 });
      const page = rows.slice(0, query.limit);
      return {
        data: page.map(toMerchantView),
        nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
      };
    },
  };
}

function randomSlug(): string {
  const bytes = randomBytes(SLUG_LENGTH);
  return [...bytes].map((byte) => SLUG_ALPHABET[byte % SLUG_ALPHABET.length]).join('');
}

/** The row of a new link. Pure. */
function newLink(scope: Scope, input: CreateLinkInput, slug: string, now: Date): NewLink {
  const amountType = input.amount !== undefined ? 'fixed' : input.minAmount !== undefined ? 'range' : 'open';
  return {
    id: newId('lnk', now),
    projectId: scope.projectId,
    mode: scope.mode,
    slug,
    title: input.title,
    description: input.description || null,
    amountType,
    amount: input.amount ?? null,
    amountMin: input.minAmount ?? null,
    amountMax: input.maxAmount ?? null,
    maxUses: input.maxUses ?? null,
    expiresAt: input.expiresAt ?? null,
    referenceTemplate: input.referenceLabel ? null : (input.referenceTemplate ?? DEFAULT_TEMPLATE),
    referenceLabel: input.referenceLabel ?? null,
    nextNumber: 1,
    paymentDescription: input.paymentDescription ?? null,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
    redirectUrl: input.redirectUrl ?? null,
    accountId: input.account ?? null,
    disabledAt: null,
    createdAt: now,
    updatedAt: now,
  };
}
