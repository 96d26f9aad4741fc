// Standard Webhooks signatures (https://www.standardwebhooks.com): the key is the base64
// after the `whsec_` prefix; the signature is base64 HMAC-SHA256 over `${id}.${timestamp}.${body}`,
// sent as `v1,<signature>`; several space-separated signatures during a secret rotation.
// In the kernel: webhook deliveries (src/webhooks) and the C2B validation call to a merchant's
// own endpoint (src/c2b) are signed alike, so one library verifies both.
import { createHmac, randomBytes } from 'node:crypto';

const SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 32;

export function newWebhookSecret(): string {
  return `${SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

export function signWebhook(secret: string, id: string, timestamp: number, body: string): string {
  const key = Buffer.from(secret.slice(SECRET_PREFIX.length), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

/** The three headers of one delivery attempt, signed with every secret currently valid. */
export function webhookHeaders(
  secrets: readonly string[],
  id: string,
  body: string,
  now: Date,
): Record<string, string> {
  const timestamp = Math.floor(now.getTime() / 1000);
  return {
    'webhook-id': id,
    'webhook-timestamp': String(timestamp),
    'webhook-signature': secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(' '),
  };
}
