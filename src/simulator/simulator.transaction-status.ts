// Transaction Status as Daraja plays it for payouts (docs/daraja.md "Transaction Status"):
// asked by OriginalConversationID (the payout's OriginatorConversationID), acknowledged at once,
// the Result posted to ResultURL later. A payout that settled is reported with its
// TransactionStatus ("Completed", or "Declined" for one that failed); one that M-Pesa does not
// know (never received, or still in flight) answers ResultCode "SFC_IC0003" "The operator does
// not exist.", the one failure code the Transaction Status page lists.
import type { Request, Response } from 'express';
import type { B2cDesk } from './simulator.b2c';
import { newConversationId } from './simulator.b2c';
import { invalidField, type DarajaError } from './simulator.errors';
import type { ResultPoster } from './simulator.results';
import type { CallbackTargets } from './simulator.callback-targets';
import { readShortCode } from './simulator.validation';

const ACCEPTED = 'Accept the service request successfully.';

export interface StatusRequest {
  initiator: string;
  securityCredential: string;
  shortcode: string;
  originalConversationId: string | undefined;
  transactionId: string | undefined;
  resultUrl: string;
  queueTimeoutUrl: string;
  occasion: string | undefined;
}

type Checked<T> = { ok: true; value: T } | { ok: false; error: DarajaError };

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' ? value : undefined;

function url(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Field by field, the first failure winning. Daraja's own sample spells two keys with a space. */
export function validateStatusQuery(body: Record<string, unknown>): Checked<StatusRequest> {
  const initiator = text(body.Initiator);
  if (!initiator) return { ok: false, error: invalidField('Initiator') };
  const securityCredential = text(body.SecurityCredential);
  if (!securityCredential) return { ok: false, error: invalidField('SecurityCredential') };
  if ((body.CommandID ?? body['Command ID']) !== 'TransactionStatusQuery')
    return { ok: false, error: invalidField('CommandID') };
  const transactionId = text(body.TransactionID ?? body['Transaction ID']);
  const originalConversationId = text(body.OriginalConversationID);
  if (!transactionId && !originalConversationId) return { ok: false, error: invalidField('TransactionID') };
  const shortcode = readShortCode(body.PartyA);
  if (shortcode === undefined) return { ok: false, error: invalidField('PartyA') };
  const resultUrl = url(body.ResultURL);
  if (!resultUrl) return { ok: false, error: invalidField('ResultURL') };
  const queueTimeoutUrl = url(body.QueueTimeOutURL);
  if (!queueTimeoutUrl) return { ok: false, error: invalidField('QueueTimeOutURL') };
  return {
    ok: true,
    value: {
      initiator,
      securityCredential,
      shortcode,
      originalConversationId,
      transactionId,
      resultUrl,
      queueTimeoutUrl,
      occasion: text(body.Occasion),
    },
  };
}

export interface StatusDeps {
  desk: B2cDesk;
  poster: ResultPoster;
  targets: CallbackTargets;
  resultDelayMs: number;
  refuse(res: Response, error: DarajaError): void;
  onRequest(): void;
}

export function transactionStatusHandler(deps: StatusDeps) {
  return (req: Request, res: Response): void => {
    deps.onRequest();
    const checked = validateStatusQuery(req.body as Record<string, unknown>);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const request = checked.value;
    if (!deps.targets.allows(request.resultUrl)) return deps.refuse(res, invalidField('ResultURL'));
    const now = Date.now();
    const conversationId = newConversationId(now);
    const originatorConversationId = `${Math.floor(now % 100_000)}-${Math.floor(Math.random() * 1e8)}-1`;
    deps.poster.schedule(
      request.resultUrl,
      () => {
        // Asked when the Result is posted: a payout settling meanwhile is reported settled.
        const parameters = request.originalConversationId
          ? deps.desk.statusOf(request.shortcode, request.originalConversationId, Date.now())
          : undefined;
        return {
          Result: {
            ResultType: 0,
            ResultCode: parameters ? 0 : 'SFC_IC0003',
            ResultDesc: parameters
              ? 'The service request is processed successfully.'
              : 'The operator does not exist.',
            OriginatorConversationID: originatorConversationId,
            ConversationID: conversationId,
            TransactionID: parameters ? (request.transactionId ?? 'MBN0000000') : 'MBN0000000',
            ...(parameters ? { ResultParameters: { ResultParameter: parameters } } : {}),
            ReferenceData: {
              ReferenceItem: { Key: 'Occasion', ...(request.occasion ? { Value: request.occasion } : {}) },
            },
          },
        };
      },
      [deps.resultDelayMs],
      { originalConversationId: request.originalConversationId, kind: 'transaction-status' },
    );
    res.json({
      OriginatorConversationID: originatorConversationId,
      ConversationID: conversationId,
      ResponseCode: '0',
      ResponseDescription: ACCEPTED,
    });
  };
}
