// Initiating, reading and listing payments. The transaction is stored (pending) before Daraja
// is called, so a crash in between leaves a trace, never a payment we do not know about.
import { createHash } from 'node:crypto';
import { createBatcher } from '../db/batcher';
import { isUniqueViolation, type Database } from '../db/database';
import { AppError, type ErrorCode } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { AccountsService, DarajaAccount } from '../accounts/account.service';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import { isDarajaFailure, type Breakers } from '../mpesa/mpesa.breaker';
import type { MpesaService } from '../mpesa/mpesa.service';
import type { Scope } from '../projects/project.modes';
import type { TransactionEvents } from './transaction.events';
import type { TransactionSecrets } from '../security/transaction-secrets';
import {
  findByIdempotencyKey,
  findProjectTransaction,
  insertStatusChanges,
  insertTransactions,
  listTransactions,
  updateTransaction,
  type NewStatusChange,
  type NewTransaction,
  type TransactionPatch,
} from './transaction.repository';
import type { InitiateInput, ListQuery } from './transaction.schema';
import type { SettlePayment } from './transaction.settle';
import { toMerchantView, type MerchantTransactionView, type TransactionRow } from './transaction.view';

const DEFAULT_DESCRIPTION = 'Payment';
/** The deployment's own account has no id; its breaker is this one. */
const breakerKey = (account: DarajaAccount) => account.id ?? 'deployment';
const IN_FLIGHT_POLL_MS = 50;
const IN_FLIGHT_GRACE_MS = 2000;

interface SerializedError {
  code: ErrorCode;
  message: string;
  details?: Record<string, unknown>;
  headers?: Record<string, string>;
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
  accounts: Pick<AccountsService, 'forPayment'>;
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
  const insertPending = createBatcher(db, {
    durability: 'process',
    write: async (tx, items: ReadonlyArray<{ row: NewTransaction; change: NewStatusChange }>) => {
      await insertTransactions(
        tx,
        items.map((item) => item.row),
      );
      await insertStatusChanges(
        tx,
        items.map((item) => item.change),
      );
      return items.map(() => undefined);
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

  function resultOf(row: TransactionRow): InitiateResult {
    if (row.submitError) {
      const refusal = JSON.parse(row.submitError) as SerializedError;
      throw new AppError(refusal.code, refusal.message, refusal.details, refusal.headers);
    }
    return {
      httpStatus: row.checkoutRequestId || row.status !== 'pending' ? 201 : 202,
      body: { transaction: toMerchantView(row), clientSecret: secrets.clientSecret(row.id) },
    };
  }

  /** Replays the first result for a reused Idempotency-Key, or refuses a different body. */
  async function replay(
    scope: Scope,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<InitiateResult | undefined> {
    let existing = await findByIdempotencyKey(db, scope, idempotencyKey);
    if (!existing) return undefined;
    if (existing.requestHash !== requestHash) {
      throw new AppError(
        'idempotency_key_reused',
        'This Idempotency-Key was used with a different request body',
        {
          transactionId: existing.id,
        },
      );
    }
    // The first request may still be talking to Daraja: wait for its answer, so every
    // caller with this key gets the same result (bounded by Daraja's own timeout).
    const deadline = existing.createdAt.getTime() + deps.pushTimeoutMs + IN_FLIGHT_GRACE_MS;
    while (!existing.pushFinishedAt && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_POLL_MS));
      existing = (await findByIdempotencyKey(db, scope, idempotencyKey))!;
    }
    return resultOf(existing);
  }

  async function createPending(
    scope: Scope,
    account: DarajaAccount,
    input: InitiateInput,
    idempotencyKey?: string,
    requestHash?: string,
  ) {
    const now = new Date();
    const id = newId('txn', now);
    // The channel follows the account when the merchant names none: a till's Head Office number
    // takes no PayBill push, and Daraja would fail one only later, in its callback (2028 or
    // SFC_IC0003, docs/daraja.md §2 "Tills").
    const channel = input.channel ?? (account.payBill ? 'paybill' : 'till');
    const row: NewTransaction = {
      id,
      projectId: scope.projectId,
      mode: scope.mode,
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
      idempotencyKey: idempotencyKey ?? null,
      requestHash: requestHash ?? null,
      merchantRequestId: null,
      checkoutRequestId: null,
      customerMessage: null,
      pushFinishedAt: null,
      submitError: null,
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
      reconcileAt: new Date(now.getTime() + deps.reconcileAfterMs),
      queryAttempts: 0,
    };
    const change = {
      id: newId('chg', now),
      transactionId: id,
      fromStatus: null,
      toStatus: 'pending',
      source: 'initiate',
      resultCode: null,
      resultDesc: null,
      createdAt: now,
    };
    try {
      await insertPending({ row, change });
      deps.events.publishStarted(row);
      return row;
    } catch (error) {
      // Another request with this Idempotency-Key won the insert.
      if (idempotencyKey && isUniqueViolation(error)) return undefined;
      throw error;
    }
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

  async function initiate(
    scope: Scope,
    input: InitiateInput,
    idempotencyKey?: string,
  ): Promise<InitiateResult> {
    const requestHash = idempotencyKey
      ? createHash('sha256').update(JSON.stringify(input)).digest('hex')
      : undefined;
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash!);
      if (replayed) return replayed;
    }
    const { account, client } = await accountFor(scope, input);
    const row = await createPending(scope, account, input, idempotencyKey, requestHash);
    if (!row) {
      // Two concurrent requests with one key: the loser replays the winner's result.
      return (await replay(scope, idempotencyKey!, requestHash!))!;
    }

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

    if (push.kind === 'accepted') {
      // A fast callback may have settled the payment already: only the Daraja ids are written.
      const ids = {
        checkoutRequestId: push.checkoutRequestId,
        merchantRequestId: push.merchantRequestId,
        customerMessage: push.customerMessage,
      };
      const at = new Date();
      const answered = await recordPushAnswer({
        id: row.id,
        patch: { ...ids, pushFinishedAt: at, updatedAt: at },
      });
      deps.events.publishStarted(answered);
      return resultOf(answered);
    }
    if (push.kind === 'unknown') {
      logger.warn('stk push answer lost; transaction left pending for its callback or a status query', {
        transactionId: row.id,
      });
      return resultOf(await recordPushAnswer({ id: row.id, patch: { pushFinishedAt: new Date() } }));
    }

    const refusal: SerializedError = {
      code: push.error.code,
      message: push.error.message,
      details: { ...push.error.details, transactionId: row.id },
      headers: push.error.headers,
    };
    const darajaErrorCode = push.error.details?.darajaErrorCode;
    const settled = await deps.settlePayment({
      transactionId: row.id,
      settlement: {
        to: 'failed',
        source: 'push_refused',
        resultCode: typeof darajaErrorCode === 'string' ? darajaErrorCode : null,
        resultDesc: push.error.message,
        submitError: JSON.stringify(refusal),
      },
    });
    if (!settled.claimed || !settled.changed) {
      // Only a state change made elsewhere first (a callback) can get here; report what is stored.
      return resultOf(await recordPushAnswer({ id: row.id, patch: { pushFinishedAt: new Date() } }));
    }
    return resultOf(settled.row!);
  }

  async function get(scope: Scope, id: string): Promise<MerchantTransactionView> {
    const row = await findProjectTransaction(db, scope, id);
    if (!row) throw new AppError('transaction_not_found', `No transaction ${id} in this project`);
    return toMerchantView(row);
  }

  async function list(scope: Scope, query: ListQuery) {
    const rows = await listTransactions(db, scope, {
      status: query.status,
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

  return { initiate, get, list };
}
