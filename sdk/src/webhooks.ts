// Verify a webhook delivery per the Standard Webhooks spec (standardwebhooks.com):
//   webhook-signature = space-separated "v1,<base64 HMAC-SHA256(key, `${id}.${timestamp}.${body}`)>"
//   key = base64 decode of the endpoint secret after its "whsec_" prefix.
// Several signatures appear while a secret is being rotated; one match is enough. The
// timestamp bounds replays of a captured delivery to five minutes either side of now.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookVerificationError } from './errors.js';
import type { WebhookEvent } from './webhook-types.js';

export const WEBHOOK_TOLERANCE_SECONDS = 5 * 60;
const SECRET_PREFIX = 'whsec_';

/** A Fetch `Headers`, Node's `IncomingHttpHeaders` (Express `req.headers`), or a plain record. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

export interface VerifyWebhookOptions {
  /** Seconds either side of now; default 300. */
  toleranceSeconds?: number;
  /** For tests: the current time in ms. */
  now?: number;
}

/**
 * Checks a delivery and returns its parsed body. Pass the raw body exactly as received (a
 * string or Buffer, e.g. from `express.raw()`), never a re-serialised object: any change to
 * the bytes breaks the signature. Throws `WebhookVerificationError` when it must be rejected.
 */
export function verifyWebhook(
  headers: WebhookHeaders,
  body: string | Uint8Array,
  secret: string,
  options: VerifyWebhookOptions = {},
): WebhookEvent {
  const id = header(headers, 'webhook-id');
  const timestamp = header(headers, 'webhook-timestamp');
  const signatures = header(headers, 'webhook-signature');
  if (!id || !timestamp || !signatures) {
    throw new WebhookVerificationError(
      'webhook_headers_missing',
      'Missing webhook-id, webhook-timestamp or webhook-signature header',
    );
  }

  if (!/^\d{1,12}$/.test(timestamp))
    throw new WebhookVerificationError('webhook_timestamp_invalid', 'webhook-timestamp is not unix seconds');
  const nowSeconds = Math.floor((options.now ?? Date.now()) / 1000);
  const tolerance = options.toleranceSeconds ?? WEBHOOK_TOLERANCE_SECONDS;
  if (nowSeconds - Number(timestamp) > tolerance)
    throw new WebhookVerificationError('webhook_timestamp_too_old', 'webhook-timestamp is too old');
  if (Number(timestamp) - nowSeconds > tolerance)
    throw new WebhookVerificationError('webhook_timestamp_too_new', 'webhook-timestamp is in the future');

  const payload =
    typeof body === 'string'
      ? Buffer.from(body, 'utf8')
      : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  const expected = createHmac('sha256', secretKey(secret))
    .update(`${id}.${timestamp}.`)
    .update(payload)
    .digest();

  const matched = signatures.split(' ').some((entry) => {
    const [version, signature] = entry.split(',', 2);
    if (version !== 'v1' || !signature) return false;
    const given = Buffer.from(signature, 'base64');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  if (!matched)
    throw new WebhookVerificationError(
      'webhook_signature_invalid',
      'No webhook-signature matches this body and secret',
    );

  return JSON.parse(payload.toString('utf8')) as WebhookEvent;
}

function secretKey(secret: string): Buffer {
  const key = Buffer.from(
    secret.startsWith(SECRET_PREFIX) ? secret.slice(SECRET_PREFIX.length) : secret,
    'base64',
  );
  if (key.length === 0) throw new TypeError('The webhook secret is empty or not base64 (expected whsec_…)');
  return key;
}

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const record = headers as Record<string, string | string[] | undefined>;
  const key = Object.keys(record).find((candidate) => candidate.toLowerCase() === name);
  const value = key === undefined ? undefined : record[key];
  return Array.isArray(value) ? value.join(' ') : value;
}
