// verifyWebhook against signatures computed here from the Standard Webhooks spec, and against
// the reference library (`standardwebhooks`), in both directions.
import { createHmac, randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import { verifyWebhook, WebhookVerificationError, MpesaBridgeError } from '@mpesa-bridge/sdk';

const secret = `whsec_${randomBytes(32).toString('base64')}`;
const body = JSON.stringify({
  id: 'evt_1',
  type: 'transaction.completed',
  timestamp: new Date().toISOString(),
  data: { transaction: { id: 'txn_1', status: 'completed', amount: 10 } },
});
const now = () => Math.floor(Date.now() / 1000);

/** The spec, written out: base64 HMAC-SHA256 keyed with the decoded secret over "id.timestamp.body". */
function specSignature(id: string, timestamp: number, payload: string, key = secret): string {
  const raw = Buffer.from(key.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', raw).update(`${id}.${timestamp}.${payload}`).digest('base64')}`;
}

function delivery(overrides: { id?: string; timestamp?: number; signature?: string; payload?: string } = {}) {
  const id = overrides.id ?? 'msg_2Lh8xXaRo1pJ9kB3';
  const timestamp = overrides.timestamp ?? now();
  return {
    headers: {
      'webhook-id': id,
      'webhook-timestamp': String(timestamp),
      'webhook-signature': overrides.signature ?? specSignature(id, timestamp, body),
    },
    body: overrides.payload ?? body,
  };
}

function verificationError(run: () => unknown): WebhookVerificationError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(WebhookVerificationError);
    expect(error).toBeInstanceOf(MpesaBridgeError);
    return error as WebhookVerificationError;
  }
  throw new Error('expected verifyWebhook to throw');
}

describe('when a delivery is genuine', () => {
  it('then it verifies and returns the parsed event', () => {
    const { headers, body: raw } = delivery();
    const event = verifyWebhook(headers, raw, secret);
    expect(event).toMatchObject({
      id: 'evt_1',
      type: 'transaction.completed',
      data: { transaction: { id: 'txn_1' } },
    });
  });

  it('then it verifies a signature made by the reference library, and the library accepts what the spec formula makes', () => {
    const id = 'msg_ref';
    const timestamp = new Date();
    const fromLibrary = new Webhook(secret).sign(id, timestamp, body);
    const seconds = Math.floor(timestamp.getTime() / 1000);
    expect(fromLibrary).toBe(specSignature(id, seconds, body));
    const headers = {
      'webhook-id': id,
      'webhook-timestamp': String(seconds),
      'webhook-signature': fromLibrary,
    };
    expect(verifyWebhook(headers, body, secret)).toEqual(new Webhook(secret).verify(body, headers));
  });

  it("then it matches the spec's published example", () => {
    // Standard Webhooks / Svix documentation example.
    const headers = {
      'webhook-id': 'msg_p5jXN8AQM9LWM0D4loKWxJek',
      'webhook-timestamp': '1614265330',
      'webhook-signature': 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
    };
    const example = '{"test": 2432232314}';
    expect(
      verifyWebhook(headers, example, 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw', { now: 1614265330_000 }),
    ).toEqual({ test: 2432232314 });
  });

  it('then any one of several signatures may match (secret rotation), and other schemes are skipped', () => {
    const id = 'msg_rotation';
    const timestamp = now();
    const oldSecret = `whsec_${randomBytes(32).toString('base64')}`;
    const signature = `v1a,${randomBytes(64).toString('base64')} ${specSignature(id, timestamp, body, oldSecret)} ${specSignature(id, timestamp, body)}`;
    expect(() => verifyWebhook(delivery({ id, timestamp, signature }).headers, body, secret)).not.toThrow();
    expect(() =>
      verifyWebhook(delivery({ id, timestamp, signature }).headers, body, oldSecret),
    ).not.toThrow();
  });

  it('then headers may come as a Fetch Headers object or in any case, and the body as a Buffer', () => {
    const { headers } = delivery();
    expect(() => verifyWebhook(new Headers(headers), Buffer.from(body), secret)).not.toThrow();
    const mixedCase = {
      'Webhook-Id': headers['webhook-id'],
      'WEBHOOK-TIMESTAMP': headers['webhook-timestamp'],
      'Webhook-Signature': headers['webhook-signature'],
    };
    expect(() => verifyWebhook(mixedCase, body, secret)).not.toThrow();
  });

  it('then a secret given without its whsec_ prefix works too', () => {
    const { headers } = delivery();
    expect(() => verifyWebhook(headers, body, secret.slice('whsec_'.length))).not.toThrow();
  });
});

describe('when a delivery must be rejected', () => {
  it('then a tampered body is webhook_signature_invalid', () => {
    const { headers } = delivery();
    const tampered = body.replace('"amount":10', '"amount":10000');
    expect(tampered).not.toBe(body);
    expect(verificationError(() => verifyWebhook(headers, tampered, secret)).code).toBe(
      'webhook_signature_invalid',
    );
  });

  it('then a re-serialised body (same JSON, other bytes) is rejected: verify the raw body', () => {
    const { headers } = delivery();
    const reserialised = JSON.stringify(JSON.parse(body), null, 2);
    expect(verificationError(() => verifyWebhook(headers, reserialised, secret)).code).toBe(
      'webhook_signature_invalid',
    );
  });

  it('then a signature made with another secret is rejected', () => {
    const { headers } = delivery();
    const other = `whsec_${randomBytes(32).toString('base64')}`;
    expect(verificationError(() => verifyWebhook(headers, body, other)).code).toBe(
      'webhook_signature_invalid',
    );
  });

  it('then a changed webhook-id or timestamp breaks the signature', () => {
    const genuine = delivery();
    const otherId = { ...genuine.headers, 'webhook-id': 'msg_other' };
    expect(verificationError(() => verifyWebhook(otherId, body, secret)).code).toBe(
      'webhook_signature_invalid',
    );
    const otherTime = {
      ...genuine.headers,
      'webhook-timestamp': String(Number(genuine.headers['webhook-timestamp']) - 1),
    };
    expect(verificationError(() => verifyWebhook(otherTime, body, secret)).code).toBe(
      'webhook_signature_invalid',
    );
  });

  it('then a timestamp more than five minutes old is webhook_timestamp_too_old, even correctly signed', () => {
    const old = delivery({ timestamp: now() - 301 });
    expect(verificationError(() => verifyWebhook(old.headers, body, secret)).code).toBe(
      'webhook_timestamp_too_old',
    );
    const justInside = delivery({ timestamp: now() - 290 });
    expect(() => verifyWebhook(justInside.headers, body, secret)).not.toThrow();
  });

  it('then a timestamp more than five minutes ahead is webhook_timestamp_too_new', () => {
    const future = delivery({ timestamp: now() + 301 });
    expect(verificationError(() => verifyWebhook(future.headers, body, secret)).code).toBe(
      'webhook_timestamp_too_new',
    );
  });

  it('then a missing header or a non-numeric timestamp is rejected before any HMAC', () => {
    const { headers } = delivery();
    const { 'webhook-signature': _dropped, ...unsigned } = headers;
    expect(verificationError(() => verifyWebhook(unsigned, body, secret)).code).toBe(
      'webhook_headers_missing',
    );
    expect(
      verificationError(() => verifyWebhook({ ...headers, 'webhook-timestamp': '2024-01-01' }, body, secret))
        .code,
    ).toBe('webhook_timestamp_invalid');
  });

  it('then a signature header with only unknown schemes or garbage is rejected', () => {
    const { headers } = delivery();
    for (const signature of ['v2,abc', 'garbage', `v1a,${headers['webhook-signature'].slice(3)}`, 'v1,']) {
      expect(
        verificationError(() => verifyWebhook({ ...headers, 'webhook-signature': signature }, body, secret))
          .code,
      ).toBe('webhook_signature_invalid');
    }
  });
});
