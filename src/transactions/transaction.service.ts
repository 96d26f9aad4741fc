// Initiating, reading and listing payments. The transaction is stored (pending) before Daraja
// is called, so a crash in between leaves a trace, never a payment we do not know about.
import { searchTransactions, type SearchQuery } from './transaction.search';
import { createHash } from 'node:crypto';
import { createBatcher } from '../db/batcher';
import { isUniqueViolation, type Database } from '../db/database';
import { AppError, refuseOtherBody } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { DarajaAccount, PaymentAccounts } from '../mpesa/mpesa.account';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import { isDarajaFailure, type Breakers } from '../mpesa/mpesa.breaker';
import type { MpesaService, StkPushResult } from '../mpesa/mpesa.service';
import type { Scope } from '../core/scope';
import type { TransactionEvents } from '../payments/payment.news';
import type { TransactionSecrets } from '../security/transaction-secrets';
import type { ReplayNonce } from '../core/replay-nonce';
import { findNonceTag, recordNonce } from '../security/nonce.repository';
import {
  findByIdempotencyKey,
  findProjectTransaction,
  insertPendingPayments,
  listTransactions,
  updateTransaction,
  type NewStatusChange,
  type NewTransaction,
  type PendingInsert,
  type TransactionPatch,
} from '../payments/transaction.repository';
import type { InitiateInput, ListQuery } from '../payments/transaction.schema';
import type { SettlePayment } from '../payments/transaction.settle';
import {
  toMerchantView,
  type MerchantTransactionView,
  type TransactionRow,
} from '../payments/transaction.view';
import { NO_REFUSAL, refusalColumns, refusalOf } from '../payments/transaction.refusal';

const DEFAULT_DESCRIPTION = 'Payment';
/** The deployment's own account has no id; its breaker is this one. */
const breakerKey = (account: DarajaAccount) => account.id ?? 'deployment';
const IN_FLIGHT_POLL_MS = 50;
const IN_FLIGHT_GRACE_MS = 2000;

/** A request sent with an Idempotency-Key, and the hash of its body that the key is bound to. */
interface KeyedRequest {
  idempotencyKey: string;
  requestHash: string;
}

export interface InitiateResult {
  /** 201 when Daraja accepted the push; 202 when its answer never came (outcome follows). */
  httpStatus: 201 | 202;
  body: { transaction: MerchantTransactionView; clientSecret: string };
}

interface Deps {
  db: Database;
  settlePayment: SettlePayment;
  /** Told of new payments and of Daraja's answer to their push (settlements tell it themselves). */
  events: Pick<TransactionEvents, 'publishStarted'>;
  accounts: PaymentAccounts;
  apps: DarajaApps;
  breakers: Breakers;
  secrets: TransactionSecrets;
  logger: Logger;
  callbackUrlFor: (transactionId: string) => string;
  /** Daraja's request timeout: how long a replay may wait for the first request's answer. */
  pushTimeoutMs: number;
  /** How long a payment may stay pending before reconciliation asks Daraja about it. */
  reconcileAfterMs: number;
}

export type TransactionsService = ReturnType<typeof createTransactionsService>;

export function createTransactionsService(deps: Deps) {
  const { db, secrets, logger } = deps;
  // The bookkeeping of our own pushes is written in group commits (db/batcher.ts), without an
  // fsync on SQLite ('process'): after a power loss the worst case is a callback kept as an
  // orphan, which its CheckoutRequestID still explains. Payment outcomes are fsynced.
  // Each with its signed request's replay nonce: on PostgreSQL the whole batch is one statement.
  const insertPending = createBatcher(db, {
    durability: 'process',
    oneStatement: db.engine === 'postgres',
    write: async (tx, items: readonly PendingInsert[]) => {
      const stored = await insertPendingPayments(tx, items, new Date());
      return items.map((item) => stored.has(item.row.id));
    },
  });
  const recordPushAnswer = createBatcher(db, {
    durability: 'process',
    oneStatementPerItem: true,
    write: async (tx, items: ReadonlyArray<{ id: string; patch: TransactionPatch }>) => {
      const rows: TransactionRow[] = [];
      for (const { id, patch } of items) rows.push((await updateTransaction(tx, id, patch))!);
      return rows;
    },
  });

  /**
   * Starts a payment:
   *   replay check -> the account to pay into -> the pending row -> the push -> record the answer.
   * The row is stored before Daraja is called, so a crash in between leaves a trace.
   */
  async function initiate(
    scope: Scope,
    input: InitiateInput,
    idempotencyKey?: string,
    nonce?: ReplayNonce,
  ): Promise<InitiateResult> {
    const request = idempotencyKey ? { idempotencyKey, requestHash: requestHashOf(input) } : undefined;
    let row: TransactionRow | undefined;
    try {
      const replayed = request && (await replay(scope, request));
      if (replayed) return replayed;
      const { account, client } = await accountFor(scope, input);
      row = await createPending(scope, account, input, request, nonce);
      // Two concurrent requests with one key: the loser replays the winner's result.
      if (!row) return (await replay(scope, request!))!;
      const push = await pushPrompt(client, account, row);
      return recordAnswer(row, push);
    } catch (error) {
      // Refused before its payment (and so its nonce) was stored: the signature is still spent,
      // so that its replay cannot start the payment once the refusal's cause has passed.
      if (nonce && !row && !(error instanceof AppError && error.code === 'signature_replayed'))
        await db
          .single((q) => recordNonce(q, nonce.key, nonce.tag, nonce.expiresAt, new Date()), {
            durability: 'process',
          })
          .catch(() => undefined);
      throw error;
    }
  }

  /** The answer a payment's first request got, from its row: a refusal is thrown again. */
  function resultOf(row: TransactionRow): InitiateResult {
    const refusal = refusalOf(row);
    if (refusal) throw refusal;
    return {
      httpStatus: row.checkoutRequestId || row.status !== 'pending' ? 201 : 202,
      body: { transaction: toMerchantView(row), clientSecret: secrets.clientSecret(row.id) },
    };
  }

  /** Replays the first result for a reused Idempotency-Key, or refuses a different body. */
  async function replay(scope: Scope, request: KeyedRequest): Promise<InitiateResult | undefined> {
    const { idempotencyKey, requestHash } = request;
    let existing = await findByIdempotencyKey(db, scope, idempotencyKey);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { transactionId: existing.id });
    // The first request may still be talking to Daraja: wait for its answer, so every
    // caller with this key gets the same result (bounded by Daraja's own timeout).
    const deadline = existing.createdAt.getTime() + deps.pushTimeoutMs + IN_FLIGHT_GRACE_MS;
    while (!existing.pushFinishedAt && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      existing = (await findByIdempotencyKey(db, scope, idempotencyKey))!;
    }
    return resultOf(existing);
  }

  /** The account to pay into, ready to push: a till payment needs its till, an open breaker fails fast. */
  async function accountFor(
    scope: Scope,
    input: InitiateInput,
  ): Promise<{ account: DarajaAccount; client: MpesaService }> {
    const account = await deps.accounts.forPayment(scope, input.account);
    if (input.channel === 'till' && !account.tillNumber) {
      const message = account.id
        ? `account ${account.id} has no tillNumber: add it (PATCH /api/v1/mpesa-accounts/${account.id}), or pay with channel "paybill"`
        : 'this deployment has no MPESA_TILL_NUMBER: set it, or pay with channel "paybill"';
      throw new AppError('validation_failed', `channel: ${message}`, {
        fields: [{ field: 'channel', in: 'body', message }],
      });
    }
    const client = deps.apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        { reason: 'simulator_disabled' },
      );
    const waitMs = deps.breakers.retryAfterMs(breakerKey(account));
    if (waitMs > 0) {
      throw new AppError(
        'mpesa_unavailable',
        'M-Pesa failed this account several times in the last minute; try again shortly',
        { reason: 'circuit_open' },
        {
          'Retry-After': String(Math.ceil(waitMs / 1000)),
        },
      );
    }
    return { account, client };
  }

  /**
   * Stores the payment, pending, with its first status change and its request's replay nonce;
   * undefined when another request won its key (or this is a replay answered from that key).
   */
  async function createPending(
    scope: Scope,
    account: DarajaAccount,
    input: InitiateInput,
    request: KeyedRequest | undefined,
    nonce: ReplayNonce | undefined,
  ): Promise<TransactionRow | undefined> {
    const now = new Date();
    const row = pendingPayment(scope, account, input, request, now, deps.reconcileAfterMs);
    const change: NewStatusChange = {
      id: newId('chg', now),
      transactionId: row.id,
      fromStatus: null,
      toStatus: 'pending',
      source: 'initiate',
      resultCode: null,
      resultDesc: null,
      createdAt: now,
    };
    const replayNonce = nonce && { key: nonce.key, tag: nonce.tag, expiresAt: nonce.expiresAt };
    try {
      if (!(await insertPending({ row, change, nonce: replayNonce }))) {
        // This signature was seen: refused, unless it is a retry its Idempotency-Key answers.
        await nonce!.seenBefore(await findNonceTag(db, nonce!.key));
        if (!request) throw new Error('a replay without an Idempotency-Key was let through');
        return undefined;
      }
      deps.events.publishStarted(row);
      return row;
    } catch (error) {
      if (request && isUniqueViolation(error)) return undefined;
      throw error;
    }
  }

  /** Sends the STK Push; the account's breaker learns whether Daraja failed it. */
  async function pushPrompt(
    client: MpesaService,
    account: DarajaAccount,
    row: TransactionRow,
  ): Promise<StkPushResult> {
    const push = await client.stkPush(account, {
      phone: row.phone,
      amount: row.amount,
      channel: row.channel as 'paybill' | 'till',
      accountReference: row.accountReference,
      description: row.description,
      callbackUrl: deps.callbackUrlFor(row.id),
    });
    if (isDarajaFailure(push)) deps.breakers.recordFailure(breakerKey(account));
    else deps.breakers.recordSuccess(breakerKey(account));
    return push;
  }

  /** Daraja's answer, on the row: its ids when accepted, nothing new when lost, a failure when refused. */
  async function recordAnswer(row: TransactionRow, push: StkPushResult): Promise<InitiateResult> {
    if (push.kind === 'accepted') {
      // A fast callback may have settled the payment already: only the Daraja ids are written.
      const at = new Date();
      const answered = await recordPushAnswer({
        id: row.id,
        patch: {
          checkoutRequestId: push.checkoutRequestId,
          merchantRequestId: push.merchantRequestId,
          customerMessage: push.customerMessage,
          pushFinishedAt: at,
          updatedAt: at,
        },
      });
      deps.events.publishStarted(answered);
      return resultOf(answered);
    }
    if (push.kind === 'unknown') {
      logger.warn('stk push answer lost; transaction left pending for its callback or a status query', {
        transactionId: row.id,
      });
      return resultOf(await markPushFinished(row.id));
    }
    return recordRefusal(row, push.error);
  }

  /**
   * A refused push fails the payment through settlement, the refusal in its columns. The answer
   * is read back from the row, so this first answer and every replay of it are the same.
   */
  async function recordRefusal(row: TransactionRow, error: AppError): Promise<InitiateResult> {
    const darajaErrorCode = error.details?.darajaErrorCode;
    const settled = await deps.settlePayment({
      transactionId: row.id,
      settlement: {
        to: 'failed',
        source: 'push_refused',
        resultCode: typeof darajaErrorCode === 'string' ? darajaErrorCode : null,
        resultDesc: error.message,
        refusal: refusalColumns(error),
      },
    });
    // Only a state change made elsewhere first (a callback) leaves it unchanged; report what is stored.
    if (!settled.claimed || !settled.changed) return resultOf(await markPushFinished(row.id));
    return resultOf(settled.row!);
  }

  function markPushFinished(id: string): Promise<TransactionRow> {
    return recordPushAnswer({ id, patch: { pushFinishedAt: new Date() } });
  }

  async function get(scope: Scope, id: string): Promise<MerchantTransactionView> {
    const row = await findProjectTransaction(db, scope, id);
    if (!row) throw new AppError('transaction_not_found', `No transaction ${id} in this project`);
    return toMerchantView(row);
  }

  async function list(scope: Scope, query: ListQuery) {
    const rows = await listTransactions(db, scope, {
      status: query.status,
      channel: query.channel,
      phone: query.phone,
      accountReference: query.accountReference,
      mpesaReceiptNumber: query.receipt,
      from: query.from,
      to: query.to,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      data: page.map(toMerchantView),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  return {
    initiate,
    get,
    list,
    search: (scope: Scope, query: SearchQuery) => searchTransactions(db, scope, query),
  };
}

function requestHashOf(input: InitiateInput): string {
  return createHash('sha256').update(JSON.stringify(input)).digest('hex');
}

/** A new payment, pending, as it is stored before Daraja is called. Pure. */
function pendingPayment(
  scope: Scope,
  account: DarajaAccount,
  input: InitiateInput,
  request: KeyedRequest | undefined,
  now: Date,
  reconcileAfterMs: number,
): NewTransaction {
  // The channel follows the account when the merchant names none: a till's Head Office number
  // takes no PayBill push, and Daraja would fail one only later, in its callback (2028 or
  // SFC_IC0003, docs/daraja.md §2 "Tills").
  const channel = input.channel ?? (account.payBill ? 'paybill' : 'till');
  return {
    id: newId('txn', now),
    projectId: scope.projectId,
    mode: scope.mode,
    reversalReceipt: null,
    reversedAt: null,
    accountId: account.id,
    status: 'pending',
    phone: input.phone,
    amount: input.amount,
    channel,
    shortcode: account.shortcode,
    partyB: channel === 'till' ? account.tillNumber! : account.shortcode,
    accountReference: input.accountReference,
    description: input.description ?? DEFAULT_DESCRIPTION,
    metadata: input.metadata ? JSON.stringify(input.metadata) : null,
    idempotencyKey: request?.idempotencyKey ?? null,
    requestHash: request?.requestHash ?? null,
    merchantRequestId: null,
    checkoutRequestId: null,
    customerMessage: null,
    pushFinishedAt: null,
    ...NO_REFUSAL,
    resultCode: null,
    resultDesc: null,
    mpesaReceiptNumber: null,
    amountPaid: null,
    paidPhone: null,
    transactionDate: null,
    createdAt: now,
    updatedAt: now,
    settledAt: null,
    settledBy: null,
    reconcileAt: new Date(now.getTime() + reconcileAfterMs),
    queryAttempts: 0,
    origin: 'stk_push',
    c2bTransId: null,
    c2bDetails: null,
    paidAs: null,
  };
}
