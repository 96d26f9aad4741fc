// When Daraja never answers the push, the payment is neither resent nor lost: it stays
// pending (202), and its callback, which carries the transaction's own token, settles it.
import { startTestServer, type TestServer } from '../helpers/server';
import { initiateBody, type MerchantRequest, merchantFor } from '../helpers/merchant';
import { postCallback, successCallback } from '../helpers/callbacks';
import { startSlowDaraja } from '../helpers/fake-daraja';

let daraja: Awaited<ReturnType<typeof startSlowDaraja>>;
let server: TestServer;
let merchant: MerchantRequest;

beforeAll(async () => {
  daraja = await startSlowDaraja('never');
  server = await startTestServer({ MPESA_BASE_URL: daraja.url, MPESA_TIMEOUT_MS: '300' });
  merchant = await merchantFor(server);
});
afterAll(async () => {
  await server.close();
  await daraja.close();
});

describe('when the STK Push times out', () => {
  it('then initiate answers 202 pending without resending, and the late callback still completes it', async () => {
    const initiated = await merchant({
      method: 'POST',
      path: '/api/v1/transactions/initiate',
      body: initiateBody({ amount: 20 }),
    });
    expect(initiated.status).toBe(202);
    expect(initiated.data.transaction).toMatchObject({ status: 'pending', checkoutRequestId: null });
    expect(daraja.pushes()).toBe(1);

    const id = initiated.data.transaction.id;
    const answer = await postCallback(
      server.url,
      server.callbackPath(id),
      successCallback('ws_CO_ARRIVED_LATER', 20),
    );
    expect(answer.data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    const status = await merchant({ method: 'GET', path: `/api/v1/transactions/${id}` });
    expect(status.data.transaction).toMatchObject({
      status: 'completed',
      checkoutRequestId: 'ws_CO_ARRIVED_LATER',
      amountPaid: 20,
    });
    expect(daraja.pushes()).toBe(1);
  });
});
