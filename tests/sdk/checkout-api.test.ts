// The SDK's paymentLinks and checkoutSessions against the real service: a link made, listed,
// paid through its public page, disabled and reopened; a session created and read back.
import axios from 'axios';
import { MpesaBridgeError } from '@mpesa-bridge/sdk';
import { startTestServer, type TestServer } from '../helpers/server';
import { eventually } from '../helpers/realtime';
import { sdkClientFor } from './sdk-client';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

describe('when a merchant uses payment links and checkout sessions with the SDK', () => {
  it('then a link is created, listed, takes a payment, shows it, and is disabled and reopened', async () => {
    const { client } = await sdkClientFor(server);
    const link = await client.paymentLinks.create({
      title: 'Sambusa',
      amount: 60,
      referenceTemplate: 'S-{n}',
    });
    expect(link).toMatchObject({ state: 'active', amount: 60, url: `${server.url}/l/${link.slug}` });
    expect((await client.paymentLinks.list({ limit: 5 })).data.map((l) => l.id)).toEqual([link.id]);

    const paid = await axios.post(`${server.url}/api/v1/checkout/links/${link.slug}/pay`, {
      phone: '0712345678',
    });
    expect(paid.status).toBe(201);
    const payments = await eventually(
      () => client.paymentLinks.payments(link.id),
      (page) => page.data[0]?.status === 'completed',
    );
    expect(payments.data[0]).toMatchObject({ amount: 60, accountReference: 'S-1', status: 'completed' });
    expect((await client.paymentLinks.get(link.id)).uses).toBe(1);

    expect((await client.paymentLinks.disable(link.id)).state).toBe('disabled');
    expect((await client.paymentLinks.enable(link.id)).state).toBe('active');
  });

  it('then a session answers {id, url, clientSecret, expiresAt}, and an unknown one is a typed error', async () => {
    const { client } = await sdkClientFor(server);
    const session = await client.checkoutSessions.create({ amount: 250, accountReference: 'ORD-7' });
    expect(session.url).toBe(`${server.url}/c/${session.id}#${session.clientSecret}`);
    expect(await client.checkoutSessions.get(session.id)).toEqual(session);
    const missing = await client.checkoutSessions
      .get('chk_000000000nothere')
      .catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(MpesaBridgeError);
    expect((missing as MpesaBridgeError).code).toBe('checkout_session_not_found');
  });
});
