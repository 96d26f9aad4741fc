// "Did receipt X pay us?": Daraja's Transaction Status, asked for a merchant and answered later.
//
//   ask:     replay check -> the account and its initiator -> SecurityCredential -> the query row
//            (pending) -> Daraja -> its ids, or its refusal
//   answer:  the Result (or queue timeout) Safaricom posts, stored byte-exact with what it did,
//            in one transaction with the query's move and its `status_query.resolved` event
//
// The row is stored before Daraja is called, so a Result can never arrive for a query we do not
// know. A Result is stored before it is acknowledged: if applying it fails, it is stored alone
// and `processPending` applies it later (as STK callbacks are, src/callbacks/callback.service.ts).
import { createHash } from 'node:crypto';
import { isUniqueViolation, type Database, type Queryable } from '../db/database';
import { AppError, DATABASE_RETRY_AFTER_SECONDS, refuseOtherBody } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Mode, Scope } from '../core/scope';
import type { InitiatorAccounts } from '../mpesa/mpesa.account';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import { securityCredentialFor, type SecurityCertificates } from '../mpesa/mpesa.security-credential';
import { buildEvent } from '../payments/event.build';
import { recordEvents } from '../payments/event.repository';
import type { NewEvent } from '../payments/event.types';
import {
  claimStoredResult,
  compareAndSetStatusQuery,
  findProjectStatusQuery,
  findStatusQueryByIdempotencyKey,
  insertStatusQuery,
  insertStatusQueryResult,
  listUnprocessedResults,
  lockStatusQuery,
  setResultOutcome,
  storeUnprocessedResult,
  updateStatusQuery,
  type NewStatusQueryResult,
  type StatusQueryPatch,
  type StatusQueryRow,
} from './status-query.repository';
import {
  FOUND,
  NOT_FOUND,
  parseTransactionStatusResult,
  wholeKes,
  type TransactionStatusResult,
} from './status-query.result';
import type { CreateStatusQueryInput } from './status-query.schema';
import { toStatusQueryView } from './status-query.view';

/** Daraja's Remarks and Occasion: required, up to 100 characters, shown nowhere we know of. */
const REMARKS = 'Receipt check';
const PENDING_SWEEP_BATCH = 100;
const FINAL: ReadonlySet<string> = new Set(['found', 'not_found', 'failed']);

export type ResultKind = 'result' | 'timeout';

export interface IncomingResult {
  /** The query the URL's token vouches for; undefined when the token is missing or wrong. */
  statusQueryId: string | undefined;
  kind: ResultKind;
  sourceIp: string;
  rawBody: Buffer;
}

/** What a stored Result did: applied (the query moved), duplicate, orphan (no query), unreadable. */
export type ResultLabel = 'applied' | 'duplicate' | 'orphan' | 'unreadable';

type Incoming = { kind: 'timeout' } | { kind: 'result'; result: TransactionStatusResult };

/**
 * What a Result (or a timeout) does to a query: its move and what it found, or nothing. States
 * move forward only: pending -> any end; timed_out -> a Result's end; found, not_found, failed
 * are final. Pure.
 */
export function planResolution(
  current: StatusQueryRow,
  incoming: Incoming,
  now: Date,
): StatusQueryPatch | undefined {
  if (FINAL.has(current.status)) return undefined;
  if (incoming.kind === 'timeout')
    return current.status === 'pending'
      ? { status: 'timed_out', resolvedAt: now, updatedAt: now }
      : undefined;
  const { result } = incoming;
  const status =
    result.resultCode === FOUND ? 'found' : result.resultCode === NOT_FOUND ? 'not_found' : 'failed';
  const found = (key: string) => (status === 'found' ? (result.parameters.get(key) ?? null) : null);
  return {
    status,
    resultCode: result.resultCode,
    resultDesc: result.resultDesc,
    conversationId: current.conversationId ?? result.conversationId,
    receiptNo: found('ReceiptNo'),
    amountText: found('Amount'),
    amount: status === 'found' ? wholeKes(result.parameters.get('Amount')) : null,
    transactionStatus: found('TransactionStatus'),
    debitParty: found('DebitPartyName'),
    creditParty: found('CreditPartyName'),
    initiatedTime: found('InitiatedTime'),
    finalisedTime: found('FinalisedTime'),
    reasonType: found('ReasonType'),
    resolvedAt: now,
    updatedAt: now,
  };
}

function resolvedEvent(row: StatusQueryRow, now: Date): NewEvent {
  return buildEvent(
    { projectId: row.projectId, mode: row.mode as Mode },
    'status_query.resolved',
    null,
    { statusQuery: toStatusQueryView(row) },
    now,
  );
}

/** Moves `current` as planned, with its event, inside `tx`; undefined when nothing moves. */
async function resolve(
  tx: Queryable,
  current: StatusQueryRow,
  patch: StatusQueryPatch | undefined,
  now: Date,
) {
  if (!patch) return undefined;
  const row = await compareAndSetStatusQuery(tx, current.id, current.status, patch);
  // Locked (PostgreSQL) or ours alone (SQLite): a miss here is a broken invariant.
  if (!row) throw new Error(`status query ${current.id} lost its compare-and-set`);
  const event = resolvedEvent(row, now);
  await recordEvents(tx, [event]);
  return event;
}

interface Deps {
  db: Database;
  accounts: InitiatorAccounts;
  apps: DarajaApps;
  certificates: SecurityCertificates;
  /** Told of each committed event (the webhook worker sends it). */
  events: { publishRecorded(event: NewEvent): void };
  logger: Logger;
  resultUrlFor(id: string): string;
  timeoutUrlFor(id: string): string;
}

export type StatusQueriesService = ReturnType<typeof createStatusQueriesService>;

export function createStatusQueriesService(deps: Deps) {
  const { db, logger } = deps;

  /** A stored refusal is thrown again; anything else answers as it stands. */
  function answerOf(row: StatusQueryRow) {
    if (row.refusalCode !== null)
      throw new AppError(row.refusalCode as AppError['code'], row.refusalMessage ?? '', {
        statusQueryId: row.id,
        darajaErrorCode: row.refusalDarajaCode,
      });
    return { statusQuery: toStatusQueryView(row) };
  }

  async function replay(scope: Scope, idempotencyKey: string, requestHash: string) {
    const existing = await findStatusQueryByIdempotencyKey(db, scope, idempotencyKey);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { statusQueryId: existing.id });
    return answerOf(existing);
  }

  /** Asks Daraja about a receipt; answers the query, pending until its Result comes. */
  async function create(scope: Scope, given: CreateStatusQueryInput, idempotencyKey?: string) {
    // Receipts are upper case on M-Pesa; the customer may type them in any case.
    const input = { ...given, receipt: given.receipt.toUpperCase() };
    const requestHash = createHash('sha256').update(JSON.stringify(input)).digest('hex');
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash);
      if (replayed) return replayed;
    }
    const { account, initiator } = await deps.accounts.forInitiator(scope, input.account);
    const client = deps.apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        {
          reason: 'simulator_disabled',
        },
      );
    // Before anything is stored: an account that cannot ask leaves no trace.
    const credential = await securityCredentialFor(initiator, account.environment, deps.certificates);
    const now = new Date();
    let row: StatusQueryRow;
    try {
      row = await insertStatusQuery(db, {
        id: newId('tsq', now),
        projectId: scope.projectId,
        mode: scope.mode,
        accountId: account.id,
        environment: account.environment,
        shortcode: account.shortcode,
        receipt: input.receipt,
        status: 'pending',
        idempotencyKey: idempotencyKey ?? null,
        requestHash: idempotencyKey ? requestHash : null,
        createdAt: now,
        updatedAt: now,
      });
    } catch (error) {
      if (idempotencyKey && isUniqueViolation(error))
        return (await replay(scope, idempotencyKey, requestHash))!;
      throw error;
    }
    const outcome = await client.transactionStatus({
      ...credential,
      receipt: input.receipt,
      partyA: account.shortcode,
      resultUrl: deps.resultUrlFor(row.id),
      queueTimeOutUrl: deps.timeoutUrlFor(row.id),
      remarks: REMARKS,
      occasion: REMARKS,
    });
    const at = new Date();
    if (outcome.kind === 'accepted') {
      // A fast Result may have resolved it already: only Daraja's ids are written.
      row = await updateStatusQuery(db, row.id, {
        conversationId: outcome.conversationId,
        originatorConversationId: outcome.originatorConversationId,
        requestFinishedAt: at,
      });
      return answerOf(row);
    }
    if (outcome.kind === 'unknown') {
      logger.warn('transaction status answer lost; the query stays pending for its Result', {
        statusQueryId: row.id,
        reason: outcome.reason,
      });
      return answerOf(row);
    }
    const refused = await recordRefusal(row, outcome.error, at);
    const { error } = outcome;
    throw new AppError(
      error.code,
      error.message,
      { ...error.details, statusQueryId: refused.id },
      error.headers,
    );
  }

  /** Daraja refused the request itself: no Result will come, so the query fails now, with its event. */
  async function recordRefusal(row: StatusQueryRow, error: AppError, now: Date): Promise<StatusQueryRow> {
    const darajaCode = error.details?.darajaErrorCode;
    const event = await db.transaction(async (tx) => {
      const current = (await lockStatusQuery(tx, row.id))!;
      return resolve(
        tx,
        current,
        current.status === 'pending'
          ? {
              status: 'failed',
              refusalCode: error.code,
              refusalMessage: error.message,
              refusalDarajaCode: typeof darajaCode === 'string' ? darajaCode : null,
              requestFinishedAt: now,
              resolvedAt: now,
              updatedAt: now,
            }
          : undefined,
        now,
      );
    });
    if (event) deps.events.publishRecorded(event);
    return (await findProjectStatusQuery(db, { projectId: row.projectId, mode: row.mode as Mode }, row.id))!;
  }

  async function get(scope: Scope, id: string) {
    const row = await findProjectStatusQuery(db, scope, id);
    if (!row) throw new AppError('status_query_not_found', `No status query ${id} in this project`);
    return { statusQuery: toStatusQueryView(row) };
  }

  /** Applies one Result inside `tx`: the query's move, its event, and the Result's outcome. */
  async function apply(
    tx: Queryable,
    record: NewStatusQueryResult,
    stored: boolean,
    now: Date,
  ): Promise<{ label: ResultLabel; event?: NewEvent }> {
    const current = record.statusQueryId ? await lockStatusQuery(tx, record.statusQueryId) : undefined;
    let label: ResultLabel;
    let event: NewEvent | undefined;
    if (!current) label = 'orphan';
    else {
      const result =
        record.kind === 'timeout' ? undefined : parseTransactionStatusResult(parseJson(record.rawBody));
      if (record.kind === 'result' && !result) label = 'unreadable';
      else {
        const incoming: Incoming = result ? { kind: 'result', result } : { kind: 'timeout' };
        event = await resolve(tx, current, planResolution(current, incoming, now), now);
        label = event ? 'applied' : 'duplicate';
      }
    }
    if (stored) await setResultOutcome(tx, record.id, label);
    else
      await insertStatusQueryResult(tx, {
        ...record,
        statusQueryId: current ? record.statusQueryId : null,
        outcome: label,
        processedAt: now,
      });
    return { label, event };
  }

  /** Stores the Result durably and applies it; resolves once it is safe to acknowledge. */
  async function receive(incoming: IncomingResult): Promise<void> {
    const receivedAt = new Date();
    const record: NewStatusQueryResult = {
      id: newId('tsr', receivedAt),
      statusQueryId: incoming.statusQueryId ?? null,
      kind: incoming.kind,
      sourceIp: incoming.sourceIp,
      rawBody: incoming.rawBody,
      receivedAt,
    };
    try {
      const { label, event } = await db.transaction((tx) => apply(tx, record, false, receivedAt), {
        durability: 'disk',
      });
      if (event) deps.events.publishRecorded(event);
      logger.info('status query result processed', {
        resultId: record.id,
        statusQueryId: record.statusQueryId,
        kind: record.kind,
        outcome: label,
      });
    } catch (error) {
      try {
        await storeUnprocessedResult(db, record);
      } catch (storeError) {
        logger.error('status query result refused: neither applied nor stored (answered 503)', {
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
      logger.error('status query result processing failed; stored for retry', { resultId: record.id, error });
    }
  }

  /** Applies Results stored but not processed (after a failure or a crash). */
  async function processPending(): Promise<number> {
    const pending = await listUnprocessedResults(db, PENDING_SWEEP_BATCH);
    for (const stored of pending) {
      const now = new Date();
      const record: NewStatusQueryResult = { ...stored, rawBody: Buffer.from(stored.rawBody) };
      try {
        const event = await db.transaction(
          async (tx) =>
            (await claimStoredResult(tx, stored.id, now))
              ? (await apply(tx, record, true, now)).event
              : undefined,
          { durability: 'disk' },
        );
        if (event) deps.events.publishRecorded(event);
      } catch (error) {
        logger.error('stored status query result could not be applied', { resultId: stored.id, error });
      }
    }
    return pending.length;
  }

  return { create, get, receive, processPending };
}

function parseJson(raw: Buffer): unknown {
  try {
    return JSON.parse(raw.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}
