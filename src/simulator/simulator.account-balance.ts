// Daraja's Account Balance API as the simulator plays it (docs/daraja.md §7 "Account Balance"):
// CommandID AccountBalance, PartyA the shortcode, IdentifierType "4" (an organisation
// shortcode); acknowledged at once, the Result posted to ResultURL later with the balances in
// one string, accounts joined by `&`, fields by `|`:
//   Working Account|KES|46713.00|46713.00|0.00|0.00&Utility Account|KES|...
// (name | currency | current | available | reserved | uncleared), from the simulator's
// balance model (simulator.balances.ts): the Utility account B2C pays from, the Working
// account C2B fills and reversals take back from, the Charges Paid account.
import type { Request, Response } from 'express';
import type { BalanceBook, Balances } from './simulator.balances';
import type { CallbackTargets } from './simulator.callback-targets';
import { createConversationIds } from './simulator.conversation-ids';
import { invalidField, type DarajaError } from './simulator.errors';
import { eatTimestamp, newReceiptNumber } from './simulator.ids';
import { kesText } from './simulator.reversal';
import type { ResultPoster } from './simulator.results';
import { readShortCode, type Checked } from './simulator.validation';

const ACCEPTED = 'Accept the service request successfully.';
const INTERNAL_QUEUE_URL = 'https://internalsandbox.safaricom.co.ke/mpesa/abresults/v1/submit';

export interface AccountBalanceRequest {
  initiator: string;
  securityCredential: string;
  partyA: string;
  resultUrl: string;
  queueTimeoutUrl: string;
  remarks: string;
}

const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.trim() !== '' && value.length <= 4096 ? value : undefined;

function url(value: unknown): string | undefined {
  if (typeof value !== 'string' || /\s/.test(value)) return undefined;
  try {
    const parsed = new URL(value);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

export function validateAccountBalance(body: Record<string, unknown>): Checked<AccountBalanceRequest> {
  const invalid = (field: string): Checked<AccountBalanceRequest> => ({
    ok: false,
    error: invalidField(field),
  });
  const initiator = text(body.Initiator);
  if (initiator === undefined) return invalid('Initiator');
  const securityCredential = text(body.SecurityCredential);
  if (securityCredential === undefined) return invalid('SecurityCredential');
  if (body.CommandID !== 'AccountBalance') return invalid('CommandID');
  const partyA = readShortCode(body.PartyA);
  if (partyA === undefined) return invalid('PartyA');
  if (String(body.IdentifierType) !== '4') return invalid('IdentifierType');
  const remarks = text(body.Remarks);
  if (remarks === undefined) return invalid('Remarks');
  const queueTimeoutUrl = url(body.QueueTimeOutURL);
  if (queueTimeoutUrl === undefined) return invalid('QueueTimeOutURL');
  const resultUrl = url(body.ResultURL);
  if (resultUrl === undefined) return invalid('ResultURL');
  return { ok: true, value: { initiator, securityCredential, partyA, resultUrl, queueTimeoutUrl, remarks } };
}

/** The `&`/`|` string of a shortcode's accounts, in the order of Daraja's sample. */
export function accountBalanceText(balances: Balances): string {
  const account = (name: string, cents: number) =>
    `${name}|KES|${kesText(cents)}|${kesText(cents)}|0.00|0.00`;
  return [
    account('Working Account', balances.workingCents),
    account('Float Account', 0),
    account('Utility Account', balances.utilityCents),
    account('Charges Paid Account', balances.chargesPaidCents),
    account('Organization Settlement Account', 0),
  ].join('&');
}

export interface AccountBalanceDeps {
  balances: BalanceBook;
  poster: ResultPoster;
  targets: CallbackTargets;
  resultDelayMs: number;
  knowsShortcode(shortcode: string, consumerKey: string): Promise<boolean>;
  checkInitiator(
    request: AccountBalanceRequest,
    consumerKey: string,
  ): Promise<'invalid' | 'locked' | undefined>;
  refuse(res: Response, error: DarajaError): void;
  appOf(req: Request): string;
  onRequest(): void;
}

export function accountBalanceHandler(deps: AccountBalanceDeps) {
  const ids = createConversationIds();
  return async (req: Request, res: Response): Promise<void> => {
    deps.onRequest();
    const checked = validateAccountBalance(req.body as Record<string, unknown>);
    if (!checked.ok) return deps.refuse(res, checked.error);
    const request = checked.value;
    if (!deps.targets.allows(request.resultUrl)) return deps.refuse(res, invalidField('ResultURL'));
    if (!deps.targets.allows(request.queueTimeoutUrl))
      return deps.refuse(res, invalidField('QueueTimeOutURL'));
    const app = deps.appOf(req);
    if (!(await deps.knowsShortcode(request.partyA, app))) return deps.refuse(res, invalidField('PartyA'));
    const now = Date.now();
    const conversation = {
      ConversationID: ids.conversationId(now),
      OriginatorConversationID: ids.originatorConversationId(),
    };
    const refused = await deps.checkInitiator(request, app);
    const result =
      refused === 'locked'
        ? { code: 8006, desc: 'The security credential is locked.' }
        : refused === 'invalid'
          ? { code: 2001, desc: 'The initiator information is invalid.' }
          : { code: 0, desc: 'The service request is processed successfully.' };
    deps.poster.schedule(
      request.resultUrl,
      () => {
        // Read when the Result is posted: the balances as they stand then.
        const at = Date.now();
        return {
          Result: {
            ResultType: 0,
            ResultCode: result.code,
            ResultDesc: result.desc,
            ...conversation,
            TransactionID: `${newReceiptNumber(at).slice(0, 3)}0000000`,
            ...(result.code === 0
              ? {
                  ResultParameters: {
                    ResultParameter: [
                      { Key: 'AccountBalance', Value: accountBalanceText(deps.balances.of(request.partyA)) },
                      { Key: 'BOCompletedTime', Value: Number(eatTimestamp(at)) },
                    ],
                  },
                }
              : {}),
            ReferenceData: { ReferenceItem: { Key: 'QueueTimeoutURL', Value: INTERNAL_QUEUE_URL } },
          },
        };
      },
      [deps.resultDelayMs],
      { conversationId: conversation.ConversationID, resultCode: result.code },
    );
    res.json({ ...conversation, ResponseCode: '0', ResponseDescription: ACCEPTED });
  };
}
