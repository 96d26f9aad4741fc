// The one send of a payout:
//
//   claim (compare-and-set to `submitted`, with the time Transaction Status is due if nothing
//   comes back) -> B2C request, our id as its OriginatorConversationID -> record the answer
//
// The claim is committed before Daraja is called, so a crash anywhere after it leaves a
// submitted payout that the recovery asks Transaction Status about, and that nothing ever
// sends again. However many requests, approvals or instances race to send it, only the
// claim's winner calls Daraja.
import type { Database } from '../db/database';
import { AppError } from '../errors';
import type { Logger } from '../logger';
import type { PayoutAccount, PayoutAccounts } from '../mpesa/mpesa.account';
import type { B2cInput, B2cOutcome } from '../mpesa/mpesa.b2c';
import type { B2bInput, B2bOutcome } from '../mpesa/mpesa.b2b';
import type { AuditEntry } from '../payments/payout.audit';
import { updatePayout, type PayoutRow } from '../payments/payout.repository';
import type { PayoutLedger } from '../payments/payout.settle';
import {
  PAYOUT_REASONS,
  payoutReasonOf,
  type B2bCommandId,
  type PayoutPurpose,
  type PayoutSource,
  type PayoutStatus,
} from '../payments/payout.states';

/** Where Safaricom posts what it has to say about one payout (payout.results.ts). */
export interface PayoutResultUrls {
  result: string;
  timeout: string;
  status: string;
  statusTimeout: string;
}

export interface StatusQueryInput {
  originalConversationId: string;
  shortcode: string;
  resultUrl: string;
  queueTimeoutUrl: string;
}

/** What a Transaction Status request came to: asked (a Result will come), or not this time. */
export type StatusAsk = { kind: 'asked' } | { kind: 'refused'; error: AppError } | { kind: 'unknown' };

/** The Daraja calls of money out for one account. */
export interface PayoutClient {
  pay(input: B2cInput): Promise<B2cOutcome>;
  /** A supplier payment (B2B): to a PayBill or a till. */
  payBusiness(input: B2bInput): Promise<B2bOutcome>;
  askStatus(input: StatusQueryInput): Promise<StatusAsk>;
}

/**
 * The money-out client of an account, its SecurityCredential made (composition fills it from the
 * account's Daraja client). Throws the AppError saying why there is none: its Daraja is not
 * reachable from here (the simulator is off), or its initiator lacks a name, a password or a
 * certificate (mpesa_initiator_missing).
 */
export type PayoutDaraja = (account: PayoutAccount) => Promise<PayoutClient>;

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  accounts: PayoutAccounts;
  daraja: PayoutDaraja;
  urlsFor(payoutId: string): PayoutResultUrls;
  /** How long after the request's deadline a missing result sends us to Transaction Status. */
  resultWaitMs: number;
  /** Daraja's request deadline (MPESA_TIMEOUT_MS). */
  requestTimeoutMs: number;
  /** How soon a payout whose answer was lost is first asked about. */
  firstStatusCheckMs: number;
  logger: Logger;
  now?: () => Date;
}

const DEFAULT_REMARKS = 'Payout';

/**
 * The codes a send throws before its claim that waiting will not change: the account's own
 * configuration (`payout_account_unsupported`: it has no initiator any more;
 * `mpesa_initiator_missing`: no initiator name, password or certificate). Anything else thrown
 * before the claim may pass: `mpesa_unavailable` (the simulator off, its certificate
 * unreachable), `service_unavailable`, a database error.
 */
const PERMANENT_SEND_CODES: ReadonlySet<string> = new Set([
  'payout_account_unsupported',
  'mpesa_initiator_missing',
]);

/** Whether a send failed before its claim for a reason that waiting will not change. */
export const isPermanentSendFailure = (error: unknown): error is AppError =>
  error instanceof AppError && PERMANENT_SEND_CODES.has(error.code);

export function createPayoutSender(deps: Deps) {
  const { ledger, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** The account and Daraja client a stored payout is sent (or asked about) with; throws when there is none. */
  async function clientOf(row: PayoutRow): Promise<{ account: PayoutAccount; client: PayoutClient }> {
    const account = await deps.accounts.forStoredPayout(row.accountId);
    if (!account.initiator)
      throw new AppError(
        'payout_account_unsupported',
        'The account of this payout has no initiator any more',
        {
          reason: 'initiator_missing',
          accountId: row.accountId,
        },
      );
    return { account, client: await deps.daraja(account) };
  }

  /**
   * Sends `row` if it is still in `from`: claims it, calls Daraja once, records the answer.
   * Resolves with whether this call claimed it, and the payout as it stands afterwards.
   */
  async function send(
    row: PayoutRow,
    from: readonly PayoutStatus[],
    claim: {
      source: PayoutSource;
      actor: string | null;
      patch?: Parameters<PayoutLedger['move']>[2]['patch'];
    },
    audit?: AuditEntry,
  ): Promise<{ claimed: boolean; row: PayoutRow }> {
    // Before the claim: a payout that cannot be sent stays where it is, unsent.
    const { client } = await clientOf(row);
    const at = now();
    const claimed = await ledger.move(
      row.id,
      from,
      {
        to: 'submitted',
        source: claim.source,
        actor: claim.actor,
        patch: {
          ...claim.patch,
          submittedAt: at,
          // Due if the process dies before the answer is recorded, or no result comes.
          statusCheckAt: new Date(at.getTime() + deps.requestTimeoutMs + deps.resultWaitMs),
          statusChecks: 0,
        },
      },
      audit,
    );
    if (!claimed.moved) return { claimed: false, row: claimed.row ?? row };
    const urls = deps.urlsFor(row.id);
    const remarks = row.remarks || DEFAULT_REMARKS;
    const outcome =
      row.channel === 'b2c'
        ? await client.pay({
            originatorConversationId: row.id,
            purpose: row.purpose as PayoutPurpose,
            amount: row.amount,
            shortcode: row.shortcode,
            phone: row.phone,
            remarks,
            occasion: row.occasion,
            resultUrl: urls.result,
            queueTimeoutUrl: urls.timeout,
          })
        : await client.payBusiness({
            payoutId: row.id,
            commandId: row.purpose as B2bCommandId,
            amount: row.amount,
            shortcode: row.shortcode,
            recipient: row.recipientShortcode!,
            accountReference: row.accountReference,
            remarks,
            resultUrl: urls.result,
            queueTimeoutUrl: urls.timeout,
          });
    return { claimed: true, row: await record(claimed.row!, outcome) };
  }

  async function record(row: PayoutRow, outcome: B2cOutcome | B2bOutcome): Promise<PayoutRow> {
    const at = now();
    if (outcome.kind === 'accepted') {
      // A fast result may already have moved it: only Daraja's ids and the time are written.
      // B2B: the OriginatorConversationID Daraja made up is what Transaction Status asks by.
      const given = 'originatorConversationId' in outcome ? outcome.originatorConversationId : null;
      const updated = await updatePayout(deps.db, row.id, {
        conversationId: row.conversationId ?? outcome.conversationId,
        originatorConversationId: row.originatorConversationId ?? given,
        answeredAt: at,
      });
      logger.info('payout accepted by daraja', { payoutId: row.id });
      return updated ?? row;
    }
    if (outcome.kind === 'rejected') {
      const darajaCode = outcome.resultCode;
      const reason =
        darajaCode && /^\d{1,6}$|^SFC_/.test(darajaCode) && !darajaCode.includes('.')
          ? payoutReasonOf(darajaCode)
          : { code: 'rejected_by_mpesa', message: outcome.error.message };
      logger.warn('payout refused by daraja', { payoutId: row.id, code: outcome.error.code, darajaCode });
      const moved = await ledger.move(row.id, ['submitted'], {
        to: 'failed',
        source: 'refused',
        resultCode: darajaCode,
        resultDesc: (outcome.error.details?.darajaMessage as string | undefined) ?? outcome.error.message,
        patch: {
          answeredAt: at,
          reasonCode: reason.code,
          reasonMessage: reason.message,
          statusCheckAt: null,
        },
      });
      return moved.row ?? row;
    }
    logger.warn('payout answer lost; transaction status will be asked, the payout is never resent', {
      payoutId: row.id,
      reason: outcome.reason,
    });
    const moved = await ledger.move(row.id, ['submitted'], {
      to: 'unknown',
      source: 'answer_lost',
      patch: {
        answeredAt: at,
        reasonCode: PAYOUT_REASONS.answerLost.code,
        reasonMessage: PAYOUT_REASONS.answerLost.message,
        statusCheckAt: new Date(at.getTime() + deps.firstStatusCheckMs),
        statusChecks: 0,
      },
    });
    return moved.row ?? row;
  }

  return {
    send,
    clientOf,
    /** Throws when `account` cannot pay out from here (no initiator, no certificate, no Daraja): checked before a payout is stored. */
    async prepare(account: PayoutAccount): Promise<void> {
      await deps.daraja(account);
    },
  };
}

export type PayoutSender = ReturnType<typeof createPayoutSender>;
