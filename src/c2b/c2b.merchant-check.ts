// The merchant's own say on a C2B validation: a POST of the body Safaricom sent, signed like
// our webhooks (Standard Webhooks headers, the account's validation secret), answered within a
// hard deadline well under Safaricom's ~8 s (C2B_VALIDATION_TIMEOUT_MS, docs/daraja.md §7).
// Anything but a clear answer in time is an error, and the account's ResponseType decides.
import { webhookHeaders } from '../security/webhook-signing';
import { C2B_REJECT_CODE_LIST, type C2bRejectCode } from './c2b.rules';

/** One POST with a deadline (composition passes the webhooks' sender, with its SSRF guard). */
export type MerchantPost = (
  url: string,
  headers: Record<string, string>,
  body: string,
) => Promise<{ statusCode: number | null; responseBody: string | null; error: string | null }>;

export type MerchantAnswer =
  { kind: 'accept' } | { kind: 'reject'; resultCode: C2bRejectCode } | { kind: 'error'; reason: string };

export async function askMerchant(
  post: MerchantPost,
  endpoint: { url: string; secret: string },
  callId: string,
  body: string,
  now: Date,
): Promise<MerchantAnswer> {
  const answer = await post(endpoint.url, webhookHeaders([endpoint.secret], callId, body, now), body);
  if (answer.error !== null) return { kind: 'error', reason: answer.error };
  if (answer.statusCode === null || answer.statusCode < 200 || answer.statusCode >= 300)
    return { kind: 'error', reason: `HTTP ${answer.statusCode}` };
  return readAnswer(answer.responseBody ?? '');
}

/** `{"ResultCode":"0"}` accepts, `{"ResultCode":"C2B00011"…"C2B00016"}` refuses; nothing else is an answer. */
export function readAnswer(body: string): MerchantAnswer {
  let code: unknown;
  try {
    code = (JSON.parse(body) as { ResultCode?: unknown } | null)?.ResultCode;
  } catch {
    return { kind: 'error', reason: 'answer is not JSON' };
  }
  if (code === 0 || code === '0') return { kind: 'accept' };
  if (typeof code === 'string' && (C2B_REJECT_CODE_LIST as readonly string[]).includes(code))
    return { kind: 'reject', resultCode: code as C2bRejectCode };
  return { kind: 'error', reason: 'answer has no ResultCode "0" or C2B00011–C2B00016' };
}
