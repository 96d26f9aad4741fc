// A C2B validation (issue 19 item 4): Safaricom asks before it moves the money, and takes our
// answer only within about 8 s, else the account's ResponseType decides (docs/daraja.md §7).
//
//   validate the body -> check whose URL and what the account wants -> decide: the account's
//   rules, then the merchant's own endpoint (signed, hard deadline; on a timeout or error the
//   account's ResponseType) -> store the decision and its reason -> answer
//
// Rejections use Daraja's codes C2B00011–C2B00016; ThirdPartyTransID goes back in every answer
// (the one Safaricom sent, else the id of our record), and returns in the confirmation.
import type { Database } from '../db/database';
import type { Logger } from '../logger';
import { storeJudgedCallback, type NewCallbackRecord } from '../payments/callback.repository';
import type { C2bPayment } from '../payments/c2b.receive';
import { receivedRecord, type C2bRefusal, type IncomingC2b } from './c2b.confirm';
import { askMerchant, type MerchantPost } from './c2b.merchant-check';
import { parseC2bBody } from './c2b.parse';
import { C2B_REJECT_CODES, checkRules, type C2bRejectCode } from './c2b.rules';
import type { C2bTarget } from './c2b.settings';

/** What we tell Safaricom, and why (the reason is stored, never sent). */
export type ValidationDecision =
  { accept: true; reason: string } | { accept: false; resultCode: C2bRejectCode; reason: string };

/** Daraja's validation answer (docs/daraja.md §7: "0" accepts, C2B000xx refuses). */
export interface ValidationAnswer {
  ResultCode: string;
  ResultDesc: 'Accepted' | 'Rejected';
  ThirdPartyTransID: string;
}

interface Deps {
  db: Database;
  target(accountId: string, token: string | null): Promise<C2bTarget>;
  /** POSTs to a merchant's endpoint within C2B_VALIDATION_TIMEOUT_MS. */
  post: MerchantPost;
  logger: Logger;
}

const accept = (reason: string): ValidationDecision => ({ accept: true, reason });
const reject = (resultCode: C2bRejectCode, reason: string): ValidationDecision => ({
  accept: false,
  resultCode,
  reason,
});

/** What is refused before any rule: an unknown URL or a body we cannot read ("Other Error"). */
function refusedUpFront(refusal: C2bRefusal | undefined): ValidationDecision | undefined {
  if (refusal === undefined) return undefined;
  return reject(C2B_REJECT_CODES.otherError, refusal);
}

export type C2bValidations = ReturnType<typeof createC2bValidations>;

export function createC2bValidations({ db, target, post, logger }: Deps) {
  /** The merchant's say, or the account's ResponseType when it gives none in time. */
  async function merchantDecision(
    whose: Extract<C2bTarget, { kind: 'enabled' }>,
    record: NewCallbackRecord,
  ): Promise<ValidationDecision> {
    const endpoint = whose.validation.endpoint!;
    const answer = await askMerchant(post, endpoint, record.id, record.rawBody.toString('utf8'), new Date());
    if (answer.kind === 'accept') return accept('merchant_accepted');
    if (answer.kind === 'reject') return reject(answer.resultCode, 'merchant_rejected');
    const why = `merchant_no_answer (${answer.reason}): ${whose.responseType}`;
    return whose.responseType === 'Completed' ? accept(why) : reject(C2B_REJECT_CODES.otherError, why);
  }

  /** Rules first (answered here, at once), then the merchant's endpoint when it has one. */
  async function decide(
    whose: C2bTarget,
    payment: C2bPayment | undefined,
    record: NewCallbackRecord,
  ): Promise<ValidationDecision> {
    if (whose.kind === 'unknown') return reject(C2B_REJECT_CODES.otherError, 'unknown_account');
    // C2B off, or validation not asked for: Safaricom would take the payment without us.
    if (whose.kind === 'disabled') return accept(whose.reason);
    if (!whose.validation.enabled) return accept('validation_off');
    const verdict = checkRules(whose.validation.rules, whose.account, payment!);
    if (!verdict.accept) return reject(verdict.resultCode, `rule: ${verdict.reason}`);
    return whose.validation.endpoint ? merchantDecision(whose, record) : accept('rules_passed');
  }

  /** The answer for Safaricom; 'forbidden' for a source off the allowlist (answered 403). */
  async function validate(incoming: IncomingC2b): Promise<ValidationAnswer | 'forbidden'> {
    const parsed = parseC2bBody(incoming.rawBody);
    const whose = await target(incoming.accountId, incoming.token);
    const record = receivedRecord(incoming, 'c2b_validation', whose);
    if (!incoming.allowedSource) {
      if (whose.kind !== 'unknown')
        await store(record, reject(C2B_REJECT_CODES.otherError, 'source_not_allowed'));
      return 'forbidden';
    }
    const decision =
      refusedUpFront(whose.kind !== 'unknown' && !parsed.ok ? parsed.reason : undefined) ??
      (await decide(whose, parsed.ok ? parsed.payment : undefined, record));
    await store(record, decision);
    const sent = parsed.ok ? parsed.payment.details.thirdPartyTransId : null;
    return decision.accept
      ? { ResultCode: '0', ResultDesc: 'Accepted', ThirdPartyTransID: sent ?? record.id }
      : { ResultCode: decision.resultCode, ResultDesc: 'Rejected', ThirdPartyTransID: sent ?? record.id };
  }

  /** The decision is recorded; a database that fails here must not turn the answer into a timeout. */
  async function store(record: NewCallbackRecord, decision: ValidationDecision): Promise<void> {
    const judgement = decision.accept
      ? { outcome: 'accepted', reason: decision.reason }
      : { outcome: `rejected:${decision.resultCode}`, reason: decision.reason };
    try {
      await db.single((q) => storeJudgedCallback(q, record, judgement, new Date()));
    } catch (error) {
      logger.error('c2b validation decision not stored; answered anyway', { callbackId: record.id, error });
    }
    logger.info('c2b validation decided', {
      callbackId: record.id,
      accountId: record.accountId,
      outcome: judgement.outcome,
      reason: decision.reason,
    });
  }

  return { validate };
}
