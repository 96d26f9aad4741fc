// The initiator's password, and the SecurityCredential made from it, open money out: neither may
// reach a log line or an answer. And the simulator checks the credential as Daraja does: one
// that does not decrypt to the initiator's password is 2001, three in a row lock it (8006).
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import { accountBody } from '../helpers/accounts';
import { phoneForB2cOutcome } from '../../src/simulator/simulator.b2c-outcomes';
import { INITIATOR_PASSWORD, payoutBody, payoutProject, type PayoutProject } from '../helpers/payouts';

const logLines: string[] = [];
let server: TestServer;

beforeAll(async () => {
  server = await startTestServer(
    {
      PAYOUT_RESULT_WAIT: '300ms',
      PAYOUT_STATUS_RETRY_SCHEDULE: '200ms,300ms,500ms',
      MPESA_TIMEOUT_MS: '1500',
    },
    { logLines },
  );
});
afterAll(() => server.close());

async function settled(shop: PayoutProject, id: string) {
  return (
    await eventually(
      () => shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` }),
      (read) => ['succeeded', 'failed'].includes(read.data.payout.status),
      10_000,
    )
  ).data.payout;
}

// RSA-2048 ciphertext in base64: 344 characters. Nothing we log or answer is that shape.
const SECURITY_CREDENTIAL = /[A-Za-z0-9+/]{300,}={0,2}/;

describe('initiator secrets', () => {
  it('when payouts are made, resolved by Transaction Status and read back, then no log line or answer holds the initiator password or a SecurityCredential', async () => {
    const answers: string[] = [];
    const shop = await payoutProject(server);
    const record = async (response: { data: unknown }) => {
      answers.push(JSON.stringify(response.data));
      return response;
    };
    const paid = await record(
      await shop.merchant({ method: 'POST', path: '/api/v1/payouts', body: payoutBody() }),
    );
    const lost = await record(
      await shop.merchant({
        method: 'POST',
        path: '/api/v1/payouts',
        body: payoutBody({ phone: phoneForB2cOutcome('payout-result-lost') }),
      }),
    );
    const noAnswer = await record(
      await shop.merchant({
        method: 'POST',
        path: '/api/v1/payouts',
        body: payoutBody({ phone: phoneForB2cOutcome('payout-answer-lost') }),
      }),
    );
    for (const created of [paid, lost, noAnswer]) {
      const id = (created.data as { payout: { id: string } }).payout.id;
      await settled(shop, id);
      await record(await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}` }));
      await record(await shop.merchant({ method: 'GET', path: `/api/v1/payouts/${id}/history` }));
    }
    await record(await shop.merchant({ method: 'GET', path: `/api/v1/mpesa-accounts/${shop.accountId}` }));
    await record(await shop.merchant({ method: 'GET', path: '/api/v1/payouts/audit' }));
    await record(await shop.merchant({ method: 'GET', path: '/api/v1/events' }));

    expect(logLines.length).toBeGreaterThan(20);
    for (const text of [...logLines, ...answers]) {
      expect(text).not.toContain(INITIATOR_PASSWORD);
      expect(text).not.toMatch(SECURITY_CREDENTIAL);
    }
    // The result routes' tokens are redacted too.
    expect(logLines.join('\n')).not.toMatch(
      /\/api\/v1\/callbacks\/payouts\/po_[0-9a-z]+\/(?!\[redacted\])[^/\s"]+/,
    );
  });
});

describe('the simulator checks SecurityCredential', () => {
  it('when the credential does not open, then the payout fails 2001 initiator_invalid; after three in a row the initiator is locked, 8006', async () => {
    const shop = await payoutProject(server);
    const wrong = await shop.merchant({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({
        name: 'Wrong credential',
        shortcode: '600777',
        initiatorName: 'testapi',
        // A ready-made SecurityCredential that was not made with the simulator's certificate.
        initiatorCredential: Buffer.alloc(256, 7).toString('base64'),
      }),
    });
    expect(wrong.status).toBe(201);
    const reasons: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      const created = await shop.merchant({
        method: 'POST',
        path: '/api/v1/payouts',
        body: payoutBody({ account: wrong.data.account.id, remarks: `Attempt ${i}` }),
      });
      const payout = await settled(shop, created.data.payout.id);
      reasons.push(`${payout.reason.resultCode} ${payout.reason.code}`);
    }
    expect(reasons).toEqual([
      '2001 initiator_invalid',
      '2001 initiator_invalid',
      '2001 initiator_invalid',
      '8006 initiator_locked',
    ]);
  });
});
