// Where Safaricom posts what it has to say about a payout:
//   /api/v1/callbacks/payouts/<payoutId>/<token>/result          B2C or B2B ResultURL
//   /api/v1/callbacks/payouts/<payoutId>/<token>/timeout         B2C QueueTimeOutURL
//   /api/v1/callbacks/payouts/<payoutId>/<token>/status          Transaction Status ResultURL
//   /api/v1/callbacks/payouts/<payoutId>/<token>/status-timeout  Transaction Status QueueTimeOutURL
// Through the door refunds and balances use too (payments/result.router.ts): only allowlisted
// source addresses get in (403 and nothing stored otherwise); everything an allowed source
// sends is stored before it is acknowledged, even a body we cannot read or a result naming
// another payout (an orphan, never applied elsewhere); Safaricom sends each once and never again.
import type { Router } from 'express';
import type { Database } from '../db/database';
import { AppError, DATABASE_RETRY_AFTER_SECONDS } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { TransactionSecrets } from '../security/transaction-secrets';
import {
  findPayout,
  insertPayoutResult,
  listUnprocessedPayoutResults,
  type NewPayoutResult,
  type PayoutRow,
} from '../payments/payout.repository';
import {
  outcomeOfB2cResult,
  outcomeOfQueueTimeout,
  outcomeOfStatusResult,
  parseDarajaResult,
  parseJsonBody,
} from '../payments/payout.result';
import { createResultRouter, resultRootUnder, type ResultRouterDeps } from '../payments/result.router';
import type { OutcomeInput, PayoutLedger } from '../payments/payout.settle';
import type { PayoutResultUrls } from './payout.send';

export const PAYOUT_RESULTS_PATH = '/api/v1/callbacks/payouts';
export const RESULT_KINDS = ['result', 'timeout', 'status', 'status-timeout'] as const;
export type ResultKind = (typeof RESULT_KINDS)[number];
const SWEEP_BATCH = 100;

export function payoutResultUrls(baseUrl: string, secrets: TransactionSecrets) {
  const rootOf = resultRootUnder(baseUrl, PAYOUT_RESULTS_PATH, secrets);
  return (payoutId: string): PayoutResultUrls => {
    const root = rootOf(payoutId);
    return {
      result: `${root}/result`,
      timeout: `${root}/timeout`,
      status: `${root}/status`,
      statusTimeout: `${root}/status-timeout`,
    };
  };
}

interface Incoming {
  /** The payout the URL's token vouches for; null when the token was missing or wrong. */
  payoutId: string | null;
  kind: ResultKind;
  sourceIp: string;
  rawBody: Buffer;
}

/**
 * The names a payout is known to Daraja by: its id (B2C v3 is sent it) and the
 * OriginatorConversationID Daraja gave (B2B); `anyName` while a B2B payout's answer, which
 * brings that id, has not been recorded (the token alone vouches then).
 */
export interface KnownAs {
  ids: readonly string[];
  anyName: boolean;
}

export function knownAsOf(row: PayoutRow | undefined): KnownAs | undefined {
  if (!row) return undefined;
  return {
    ids: row.originatorConversationId ? [row.id, row.originatorConversationId] : [row.id],
    anyName: row.channel !== 'b2c' && !row.originatorConversationId,
  };
}

/** What a stored result says about its payout: the payout it names and the outcome. Pure. */
export function readResult(
  kind: ResultKind,
  vouchedId: string | null,
  rawBody: Buffer,
  knownAs: KnownAs = { ids: vouchedId ? [vouchedId] : [], anyName: false },
): Pick<OutcomeInput, 'payoutId' | 'outcome' | 'source'> & { originatorConversationId: string | null } {
  const result = parseDarajaResult(parseJsonBody(rawBody));
  // A payout's result names its OriginatorConversationID (ours for B2C, Daraja's for B2B); a
  // Transaction Status result names its own, and the payout's among its ResultParameters.
  // Another id than the payout's: trusted with nothing.
  const named =
    kind === 'result' || kind === 'timeout'
      ? result?.originatorConversationId
      : (result?.parameters.get('OriginatorConversationID') as string | undefined);
  const payoutId =
    vouchedId !== null && (!named || knownAs.anyName || knownAs.ids.includes(named)) ? vouchedId : null;
  const common = { payoutId, originatorConversationId: named ?? null };
  if (kind === 'result')
    return { ...common, source: 'result', outcome: result && outcomeOfB2cResult(result) };
  // Whatever reaches a QueueTimeOutURL says M-Pesa gave up waiting, readable or not.
  if (kind === 'timeout')
    return { ...common, source: 'queue_timeout', outcome: outcomeOfQueueTimeout(result) };
  if (kind === 'status-timeout') return { ...common, source: 'status_query', outcome: 'undecided' };
  return {
    ...common,
    source: 'status_query',
    outcome: result ? (outcomeOfStatusResult(result) ?? 'undecided') : undefined,
  };
}

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  logger: Logger;
  /** When an unknown payout is first asked about again. */
  firstStatusCheckMs: number;
  now?: () => Date;
}

export type PayoutResults = ReturnType<typeof createPayoutResults>;

export function createPayoutResults({
  db,
  ledger,
  logger,
  firstStatusCheckMs,
  now = () => new Date(),
}: Deps) {
  const nextCheck = () => new Date(now().getTime() + firstStatusCheckMs);

  /** Stores the result durably and applies it. Resolves once it is safe to acknowledge. */
  async function receive(incoming: Incoming): Promise<void> {
    const knownAs = incoming.payoutId ? knownAsOf(await findPayout(db, incoming.payoutId)) : undefined;
    const read = readResult(incoming.kind, incoming.payoutId, incoming.rawBody, knownAs);
    const receivedAt = now();
    const record: NewPayoutResult = {
      id: newId('pres', receivedAt),
      payoutId: read.payoutId,
      kind: incoming.kind,
      originatorConversationId: read.originatorConversationId?.slice(0, 128) ?? null,
      sourceIp: incoming.sourceIp,
      rawBody: incoming.rawBody,
      receivedAt,
    };
    try {
      const applied = await ledger.applyOutcome({
        ...read,
        result: { record },
        nextStatusCheckAt: nextCheck(),
      });
      if (applied.claimed) {
        const level = applied.label === 'conflict' || applied.label === 'orphan' ? 'warn' : 'info';
        logger[level]('payout result processed', {
          resultId: record.id,
          kind: incoming.kind,
          payoutId: applied.row?.id,
          outcome: applied.label,
          status: applied.row?.status,
        });
      }
    } catch (error) {
      // Applying failed: keep the result anyway (this insert is what we acknowledge on).
      try {
        await insertPayoutResult(db, { ...record, outcome: null, processedAt: null });
      } catch (storeError) {
        logger.error('payout result refused: neither applied nor stored (answered 503)', {
          resultId: record.id,
          error: storeError,
        });
        throw new AppError(
          'service_unavailable',
          'The result could not be stored; send it again',
          undefined,
          {
            'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS),
          },
        );
      }
      logger.error('payout result processing failed; stored for retry', { resultId: record.id, error });
    }
  }

  /** Applies results that were stored but not processed (after a failure or a crash). */
  async function sweep(): Promise<number> {
    const pending = await listUnprocessedPayoutResults(db, SWEEP_BATCH);
    for (const stored of pending) {
      // Its payoutId is what the token vouched for when it arrived.
      const knownAs = stored.payoutId ? knownAsOf(await findPayout(db, stored.payoutId)) : undefined;
      const read = readResult(
        stored.kind as ResultKind,
        stored.payoutId,
        Buffer.from(stored.rawBody),
        knownAs,
      );
      await ledger
        .applyOutcome({ ...read, result: { storedId: stored.id }, nextStatusCheckAt: nextCheck() })
        .catch((error: unknown) =>
          logger.error('stored payout result could not be applied', { resultId: stored.id, error }),
        );
    }
    return pending.length;
  }

  return { receive, sweep };
}

export function createPayoutResultRoutes({
  results,
  ...door
}: { results: PayoutResults } & Omit<ResultRouterDeps<ResultKind>, 'subject' | 'kinds' | 'receive'>): Router {
  return createResultRouter({
    ...door,
    subject: 'payout',
    kinds: RESULT_KINDS,
    receive: ({ id, ...arrived }) => results.receive({ payoutId: id, ...arrived }),
  });
}
