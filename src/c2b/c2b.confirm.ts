// A C2B confirmation (issue 19 item 2). Safaricom sends it once and never again (docs/daraja.md
// §7), unsigned; so it is stored byte-exact and durably before it is acknowledged, whatever
// becomes of it:
//
//   validate the body -> check whose URL, from where, switched on -> decide and store on the
//   ledger in one transaction (payments/c2b.receive.ts) -> acknowledge
//
// A confirmation refused (a body we cannot read, an unknown, disabled or deleted account, a
// source off the allowlist) is stored with its reason and never becomes a payment. If the
// ledger fails, the confirmation alone is stored unprocessed and the sweep applies it later
// (at the next start after a crash, as STK callbacks are).
import type { Database } from '../db/database';
import { AppError, DATABASE_RETRY_AFTER_SECONDS } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import {
  claimStoredCallbacks,
  listUnprocessedCallbacks,
  setCallbackJudgement,
  storeJudgedCallback,
  type CallbackKind,
  type NewCallbackRecord,
} from '../payments/callback.repository';
import type { C2bAccount, C2bPayment, ReceiveC2b } from '../payments/c2b.receive';
import { parseC2bBody, type ParsedC2b } from './c2b.parse';
import type { C2bTarget } from './c2b.settings';

export interface IncomingC2b {
  /** From the URL: the account and the token its registration carried. */
  accountId: string;
  token: string;
  sourceIp: string;
  /** Whether the source address is on the callback allowlist. */
  allowedSource: boolean;
  /** The body's bytes, as they came. */
  rawBody: Buffer;
}

/** Why a C2B call is refused: stored as the record's `reason`. */
export type C2bRefusal =
  | 'source_not_allowed'
  | 'unknown_account'
  | 'c2b_disabled'
  | 'account_deleted'
  | 'malformed_body'
  | 'missing_trans_id'
  | 'bad_amount';

/** What the route answers: Daraja's acknowledgement, or 403 for a source off the allowlist. */
export type ConfirmAnswer = 'acknowledged' | 'forbidden';

const SWEEP_BATCH = 100;

interface Deps {
  db: Database;
  target(accountId: string, token: string | null): Promise<C2bTarget>;
  receive: ReceiveC2b;
  logger: Logger;
}

/** The bytes as they came, with when, from where, and the account its token vouched for. */
export function receivedRecord(
  incoming: Pick<IncomingC2b, 'sourceIp' | 'rawBody'>,
  kind: CallbackKind,
  target: C2bTarget,
): NewCallbackRecord {
  const receivedAt = new Date();
  return {
    id: newId('cbk', receivedAt),
    kind,
    accountId: target.kind === 'unknown' ? null : target.account.id,
    transactionId: null,
    checkoutRequestId: null,
    sourceIp: incoming.sourceIp,
    rawBody: incoming.rawBody,
    receivedAt,
  };
}

/** Whether it may become a payment, in order: where it came from, whose it is, what it says. */
export function check(
  allowedSource: boolean,
  target: C2bTarget,
  parsed: ParsedC2b,
): { refused: C2bRefusal } | { account: C2bAccount; payment: C2bPayment } {
  if (!allowedSource) return { refused: 'source_not_allowed' };
  if (target.kind === 'unknown') return { refused: 'unknown_account' };
  if (target.kind === 'disabled') return { refused: target.reason };
  if (!parsed.ok) return { refused: parsed.reason };
  return { account: target.account, payment: parsed.payment };
}

export type C2bConfirmations = ReturnType<typeof createC2bConfirmations>;

export function createC2bConfirmations({ db, target, receive, logger }: Deps) {
  /** Nothing was kept: the sender must send it again, so 503 with Retry-After, never a 500. */
  const notStored = (recordId: string, error: unknown) => {
    logger.error('c2b confirmation refused: not stored (answered 503)', { callbackId: recordId, error });
    return new AppError(
      'service_unavailable',
      'The confirmation could not be stored; send it again',
      undefined,
      {
        'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
      },
    );
  };

  async function refuse(record: NewCallbackRecord, reason: C2bRefusal): Promise<void> {
    try {
      await db.single((q) => storeJudgedCallback(q, record, { outcome: 'refused', reason }, new Date()));
    } catch (error) {
      throw notStored(record.id, error);
    }
    logger.warn('c2b confirmation refused; stored with its reason', {
      callbackId: record.id,
      accountId: record.accountId,
      reason,
    });
  }

  /** Decided and stored on the ledger; if that fails, kept unprocessed for the sweep. */
  async function store(record: NewCallbackRecord, account: C2bAccount, payment: C2bPayment): Promise<void> {
    try {
      const result = await receive({ account, payment, confirmation: { record } });
      if (result.claimed)
        logger.info('c2b confirmation recorded', {
          callbackId: record.id,
          accountId: account.id,
          transId: payment.transId,
          transactionId: result.row.id,
          outcome: result.label,
        });
    } catch (error) {
      try {
        await db.single((q) =>
          q.run(q.qb.insertInto('CallbackRecord').values({ ...record, outcome: null, processedAt: null })),
        );
      } catch (storeError) {
        throw notStored(record.id, storeError);
      }
      logger.error('c2b confirmation could not be applied; stored for retry', {
        callbackId: record.id,
        error,
      });
    }
  }

  /** Resolves once it is safe to answer: whatever was acknowledged is stored. */
  async function confirm(incoming: IncomingC2b): Promise<ConfirmAnswer> {
    const parsed = parseC2bBody(incoming.rawBody);
    const whose = await target(incoming.accountId, incoming.token);
    const record = receivedRecord(incoming, 'c2b_confirmation', whose);
    const verdict = check(incoming.allowedSource, whose, parsed);
    if ('refused' in verdict) {
      // A source off the allowlist is kept only when the URL's token vouches for an account:
      // otherwise anyone could fill the database by posting.
      if (verdict.refused === 'source_not_allowed' && whose.kind === 'unknown') return 'forbidden';
      await refuse(record, verdict.refused);
      return verdict.refused === 'source_not_allowed' ? 'forbidden' : 'acknowledged';
    }
    await store(record, verdict.account, verdict.payment);
    return 'acknowledged';
  }

  /** Applies confirmations stored but not processed (after a failure or a crash); once each, across instances. */
  async function processPending(): Promise<number> {
    const pending = await listUnprocessedCallbacks(db, SWEEP_BATCH, 'c2b_confirmation');
    for (const stored of pending) {
      try {
        // Its token was checked when it arrived: the account is the one it vouched for.
        const whose = stored.accountId
          ? await target(stored.accountId, null)
          : ({ kind: 'unknown' } as const);
        const verdict = check(true, whose, parseC2bBody(stored.rawBody));
        if ('refused' in verdict) {
          await db.transaction(async (tx) => {
            if ((await claimStoredCallbacks(tx, [stored.id], new Date())).length === 1)
              await setCallbackJudgement(tx, stored.id, { outcome: 'refused', reason: verdict.refused });
          });
          continue;
        }
        await receive({
          account: verdict.account,
          payment: verdict.payment,
          confirmation: { storedId: stored.id },
        });
      } catch (error) {
        logger.error('stored c2b confirmation could not be applied', { callbackId: stored.id, error });
      }
    }
    return pending.length;
  }

  return { confirm, processPending };
}
