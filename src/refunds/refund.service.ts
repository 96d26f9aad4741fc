// Refunding a received payment by Daraja's Reversal API, as a use case that reads as its own
// summary (docs/payouts.md "Refunds"):
//
//   request: a payout id? refuse (B2C cannot be reversed by API) -> the payment, completed, with
//            a receipt -> payouts on for the project -> its account has an initiator -> store
//            (one live refund per payment) awaiting approval -> audit
//   approve: a dashboard user other than the one who asked -> claim (to submitted, committed)
//            -> Reversal, once -> record the answer
//   reject:  the same rule -> failed, nothing sent
//
// The claim is committed before Daraja is called: a crash after it leaves a submitted refund
// that the recovery asks Transaction Status about (refund.recovery.ts) and nothing sends again.
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Scope } from '../core/scope';
import { fourEyesRefusal, mayDecideIn, userActor, type Approver } from '../core/four-eyes';
import type { PayoutAccount } from '../mpesa/mpesa.account';
import type { AsyncRequestOutcome, ReversalInput } from '../mpesa/mpesa.reversal';
import { recordAudit, type AuditEntry } from '../payments/payout.audit';
import {
  findActiveRefund,
  findProjectRefund,
  findRefund,
  insertRefund,
  listRefunds,
  updateRefund,
  type NewRefund,
  type RefundLedger,
  type RefundRow,
  type RefundStatus,
} from '../payments/refund.ledger';
import { findProjectTransaction } from '../payments/transaction.repository';
import { REFUND_REASONS } from './refund.reasons';

/** Where Safaricom posts what it has to say about one refund (refund.results.ts). */
export interface RefundResultUrls {
  result: string;
  timeout: string;
  status: string;
  statusTimeout: string;
}

/** The money-out Daraja calls of an account, its SecurityCredential made (composition fills it). */
export interface RefundClient {
  reverse(input: ReversalInput): Promise<AsyncRequestOutcome>;
  /** Transaction Status on `receipt` of `shortcode`, its Result to the given URLs. */
  askStatus(input: {
    receipt: string;
    shortcode: string;
    resultUrl: string;
    queueTimeoutUrl: string;
  }): Promise<AsyncRequestOutcome>;
}

export interface RefundDeps {
  db: Database;
  ledger: RefundLedger;
  /** The account a payment was paid into, with its initiator (deleted accounts too). */
  accountOf(accountId: string | null): Promise<PayoutAccount>;
  /** Throws the AppError saying why the account cannot reach Daraja with an initiator. */
  daraja(account: PayoutAccount): Promise<RefundClient>;
  /** Whether the operator turned money out on for the project in this mode (payouts' settings). */
  payoutsEnabled(scope: Scope): Promise<boolean>;
  urlsFor(refundId: string): RefundResultUrls;
  /** Daraja's request deadline plus the wait for a result: then Transaction Status is asked. */
  resultDueMs: number;
  /** How soon a refund whose answer was lost is first asked about. */
  firstStatusCheckMs: number;
  logger: Logger;
  now?: () => Date;
}

export interface RefundRequester {
  actor: string;
}

const DEFAULT_REMARKS = 'Refund';

export type RefundsService = ReturnType<typeof createRefundsService>;

export function createRefundsService(deps: RefundDeps) {
  const { db, ledger, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function audit(entry: Omit<AuditEntry, 'outcome'> & { outcome?: AuditEntry['outcome'] }) {
    await recordAudit(db, { outcome: 'allowed', ...entry }).catch((error: unknown) =>
      logger.error('refund audit entry not written', { error }),
    );
  }

  async function request(
    scope: Scope,
    requester: RefundRequester,
    paymentId: string,
    remarks: string | undefined,
  ): Promise<RefundRow> {
    if (paymentId.startsWith('po_'))
      throw new AppError(
        'payout_not_reversible',
        "A B2C payout cannot be reversed through Daraja's API: only on the M-Pesa org portal (docs/payouts.md)",
        { payoutId: paymentId },
      );
    const payment = await findProjectTransaction(db, scope, paymentId);
    if (!payment)
      throw new AppError('transaction_not_found', `No payment ${paymentId} in this project and mode`);
    const refusal = (reason: string, message: string) =>
      new AppError('payment_not_refundable', message, { reason, status: payment.status });
    if (payment.status === 'reversed') throw refusal('already_reversed', 'This payment was already reversed');
    if (payment.status !== 'completed' || !payment.mpesaReceiptNumber)
      throw refusal('not_completed', 'Only a completed payment with an M-Pesa receipt can be refunded');
    const active = await findActiveRefund(db, payment.id);
    if (active)
      throw new AppError(
        'payment_not_refundable',
        `Refund ${active.id} of this payment is ${active.status}`,
        {
          reason: 'refund_in_progress',
          refundId: active.id,
          status: payment.status,
        },
      );
    if (!(await deps.payoutsEnabled(scope)))
      throw new AppError(
        'payouts_disabled',
        `Money out (payouts and refunds) is off for this project in ${scope.mode} mode; an operator turns it on in its payout settings`,
        { mode: scope.mode },
      );
    const account = await deps.accountOf(payment.accountId);
    // As for payouts: a test key moves money out through the simulator only (docs/daraja.md §6).
    if (scope.mode === 'test' && account.environment !== 'simulator')
      throw new AppError('payout_account_unsupported', 'A test key refunds through the simulator only', {
        reason: 'test_key_outside_simulator',
        accountId: account.id,
        environment: account.environment,
      });
    await deps.daraja(account);
    const at = now();
    const row: NewRefund = {
      id: newId('rf', at),
      projectId: scope.projectId,
      mode: scope.mode,
      transactionId: payment.id,
      accountId: payment.accountId,
      shortcode: payment.shortcode,
      receipt: payment.mpesaReceiptNumber,
      amount: payment.amountPaid ?? payment.amount,
      remarks: remarks ?? DEFAULT_REMARKS,
      // Every refund waits for a second person: money leaves the merchant, and no key may do it alone.
      status: 'awaiting_approval',
      activeKey: payment.id,
      requestedBy: requester.actor,
      decidedBy: null,
      decidedAt: null,
      submittedAt: null,
      answeredAt: null,
      conversationId: null,
      resultCode: null,
      resultDesc: null,
      reasonCode: null,
      reasonMessage: null,
      reversalReceipt: null,
      settledBy: null,
      statusCheckAt: null,
      statusChecks: 0,
      createdAt: at,
      updatedAt: at,
      settledAt: null,
    };
    try {
      await insertRefund(db, row);
    } catch (error) {
      // Two requests at once: the loser is told about the winner's refund.
      if (!isUniqueViolation(error)) throw error;
      const winner = await findActiveRefund(db, payment.id);
      throw new AppError('payment_not_refundable', 'Another refund of this payment was asked for at once', {
        reason: 'refund_in_progress',
        refundId: winner?.id ?? null,
        status: payment.status,
      });
    }
    await audit({
      scope,
      action: 'refund.requested',
      actor: requester.actor,
      detail: { refundId: row.id, transactionId: payment.id, amount: row.amount },
    });
    return row;
  }

  async function decidable(id: string, approver: Approver, action: 'approve' | 'reject') {
    const row = await findRefund(db, id);
    if (!row || !mayDecideIn(approver, row.projectId))
      throw new AppError('refund_not_found', `No refund ${id} in a project you may see`);
    const scope = { projectId: row.projectId, mode: row.mode as Scope['mode'] };
    const refusal = fourEyesRefusal(row.requestedBy, approver, scope.mode, action, 'refund');
    if (refusal) {
      await audit({
        scope,
        action: 'refund.approval_refused',
        actor: userActor(approver.userId),
        outcome: 'refused',
        code: 'refund_approval_forbidden',
        detail: { refundId: id, reason: refusal.reason, attempted: action },
      });
      throw new AppError('refund_approval_forbidden', refusal.message, { reason: refusal.reason });
    }
    if (row.status !== 'awaiting_approval') throw notAwaiting(row);
    return { scope, row };
  }

  const notAwaiting = (row: RefundRow) =>
    new AppError('refund_not_awaiting_approval', `Refund ${row.id} is ${row.status}, not awaiting approval`, {
      status: row.status,
    });

  async function approve(id: string, approver: Approver, note?: string): Promise<RefundRow> {
    const { scope, row } = await decidable(id, approver, 'approve');
    const actor = userActor(approver.userId);
    // Before the claim: a refund that cannot be sent stays awaiting approval, unsent.
    const client = await deps.daraja(await deps.accountOf(row.accountId));
    const at = now();
    const claimed = await ledger.move(id, ['awaiting_approval'], {
      to: 'submitted',
      source: 'approval',
      patch: {
        decidedBy: actor,
        decidedAt: at,
        submittedAt: at,
        // Due if the process dies before the answer is recorded, or no result comes.
        statusCheckAt: new Date(at.getTime() + deps.resultDueMs),
        statusChecks: 0,
      },
    });
    // Another approval (or a rejection) won the compare-and-set: this one sends nothing.
    if (!claimed.moved) throw notAwaiting(claimed.row ?? row);
    await audit({
      scope,
      action: 'refund.approved',
      actor,
      detail: { refundId: id, amount: row.amount, ...(note ? { note } : {}) },
    });
    const urls = deps.urlsFor(id);
    const outcome = await client.reverse({
      receipt: row.receipt,
      amount: row.amount,
      shortcode: row.shortcode,
      remarks: row.remarks,
      occasion: row.transactionId,
      resultUrl: urls.result,
      queueTimeoutUrl: urls.timeout,
    });
    return record(claimed.row!, outcome);
  }

  async function record(row: RefundRow, outcome: AsyncRequestOutcome): Promise<RefundRow> {
    const at = now();
    if (outcome.kind === 'accepted') {
      // A fast result may already have moved it: only Daraja's id and the time are written.
      logger.info('refund accepted by daraja', { refundId: row.id });
      return (
        (await updateRefund(db, row.id, {
          conversationId: row.conversationId ?? outcome.conversationId,
          answeredAt: at,
        })) ?? row
      );
    }
    if (outcome.kind === 'rejected') {
      logger.warn('refund refused by daraja', { refundId: row.id, code: outcome.error.code });
      const moved = await ledger.move(row.id, ['submitted'], {
        to: 'failed',
        source: 'refused',
        resultCode: outcome.resultCode,
        resultDesc: outcome.error.message,
        patch: {
          answeredAt: at,
          reasonCode: 'rejected_by_mpesa',
          reasonMessage: outcome.error.message,
          statusCheckAt: null,
        },
      });
      return moved.row ?? row;
    }
    logger.warn('refund answer lost; transaction status will be asked, the refund is never resent', {
      refundId: row.id,
      reason: outcome.reason,
    });
    const moved = await ledger.move(row.id, ['submitted'], {
      to: 'unknown',
      source: 'answer_lost',
      patch: {
        answeredAt: at,
        reasonCode: REFUND_REASONS.answerLost.code,
        reasonMessage: REFUND_REASONS.answerLost.message,
        statusCheckAt: new Date(at.getTime() + deps.firstStatusCheckMs),
        statusChecks: 0,
      },
    });
    return moved.row ?? row;
  }

  async function reject(id: string, approver: Approver, note?: string): Promise<RefundRow> {
    const { scope, row } = await decidable(id, approver, 'reject');
    const actor = userActor(approver.userId);
    const moved = await ledger.move(id, ['awaiting_approval'], {
      to: 'failed',
      source: 'rejected',
      patch: {
        decidedBy: actor,
        decidedAt: now(),
        reasonCode: REFUND_REASONS.rejected.code,
        reasonMessage: REFUND_REASONS.rejected.message,
      },
    });
    if (!moved.moved) throw notAwaiting(moved.row ?? row);
    await audit({
      scope,
      action: 'refund.rejected',
      actor,
      detail: { refundId: id, amount: row.amount, ...(note ? { note } : {}) },
    });
    return moved.row!;
  }

  async function get(scope: Scope, id: string): Promise<RefundRow> {
    const row = await findProjectRefund(db, scope, id);
    if (!row) throw new AppError('refund_not_found', `No refund ${id} in this project and mode`);
    return row;
  }

  async function list(
    scope: Scope,
    query: { status?: RefundStatus; transactionId?: string; cursor?: string; limit: number },
  ) {
    const rows = await listRefunds(db, scope, {
      status: query.status,
      transactionId: query.transactionId,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return { rows: page, nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null };
  }

  return { request, approve, reject, get, list };
}
