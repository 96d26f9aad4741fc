// The token in every URL we hand Daraja (STK CallBackURL, B2C/B2B/reversal/status ResultURL) is
// hex: Safaricom warns that URLs holding "sql", "exe", "cmd", "query", "mpesa" and the like, in
// any case, are refused (docs/daraja.md §2), and base64url spelled one in about 1 in 260 tokens.
// A token handed out before, in base64url, still settles its payment, over real HTTP.
import { randomBytes } from 'node:crypto';
import { REFUSED_URL_WORDS } from '../../src/core/callback-url';
import { newId } from '../../src/ids';
import { callbackUrlBuilder, CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { createKeyring, keyedTag } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { postCallback, successCallback } from '../helpers/callbacks';
import { initiateBody, merchantFor } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

const keyring = createKeyring(randomBytes(32));
const secrets = createTransactionSecrets(keyring);
/** How the token was written before: the same HMAC in base64url. */
const base64Token = (id: string) =>
  `${keyring.newest.id}.${keyedTag(keyring.newest.derive('callback-token'), id)}`;

describe('the callback token of a payment', () => {
  it('when 20,000 are made, then every one is hex and no callback URL spells a word Daraja refuses', () => {
    const urlFor = callbackUrlBuilder('https://pay.duka.co.ke', secrets);
    const ids = Array.from({ length: 20_000 }, () => newId('txn'));
    const tokens = ids.map((id) => secrets.callbackToken(id));
    expect(tokens.every((token) => /^[0-9a-f]{8}\.[0-9a-f]{64}$/.test(token))).toBe(true);
    const spelling = ids.filter((id) => {
      const token = urlFor(id)
        .slice(urlFor(id).lastIndexOf('/') + 1)
        .toLowerCase();
      return REFUSED_URL_WORDS.some((word) => token.includes(word));
    });
    expect(spelling).toEqual([]);
    // The same tokens in base64url: the draw that made this worth changing.
    const before = ids.filter((id) =>
      REFUSED_URL_WORDS.some((word) => base64Token(id).toLowerCase().includes(word)),
    );
    expect(before.length).toBeGreaterThan(20);
  });

  it('when a token was handed out in base64url, then it is still accepted, and a wrong one is not', () => {
    const id = newId('txn');
    expect(secrets.isCallbackToken(id, base64Token(id))).toBe(true);
    expect(secrets.isCallbackToken(id, secrets.callbackToken(id))).toBe(true);
    expect(secrets.isCallbackToken(id, base64Token(newId('txn')))).toBe(false);
    expect(secrets.isCallbackToken(id, secrets.callbackToken(newId('txn')))).toBe(false);
  });
});

describe('a payment started before the token became hex', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer({ SIMULATOR_CALLBACK_DELAY_MS: '3600000' });
  });
  afterAll(() => server.close());

  it('when Safaricom posts its result to the base64url URL, then the payment completes', async () => {
    const merchant = await merchantFor(server);
    const serverKeyring = createKeyring(Buffer.from(server.config.masterKeyHex!, 'hex'));
    const started = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ phone: '0700000005', amount: 35 }),
    });
    expect(started.status).toBe(201);
    const { id, checkoutRequestId } = started.data.transaction as { id: string; checkoutRequestId: string };
    const legacy = keyedTag(serverKeyring.newest.derive('callback-token'), id);
    expect(server.callbackPath(id)).not.toContain(legacy);
    const answer = await postCallback(
      server.url,
      `${CALLBACK_PATH}/${id}/${serverKeyring.newest.id}.${legacy}`,
      successCallback(checkoutRequestId, 35),
    );
    expect(answer.status).toBe(200);
    const read = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
    expect(read.data.transaction).toMatchObject({ status: 'completed', amountPaid: 35 });
  });
});
