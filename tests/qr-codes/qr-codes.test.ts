// Dynamic QR end to end (issue 19 item 7): the signed API, Daraja's /mpesa/qrcode/v1/generate
// played by the simulator over real HTTP, and the PNG it returns decoded here (pngjs + jsqr) to
// what a customer's phone would read: the till or PayBill, the amount and the reference.
import axios from 'axios';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { accountBody, keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { merchantClient, type MerchantRequest } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer();
});
afterAll(() => server.close());

async function shopWith(account: Record<string, unknown>): Promise<MerchantRequest> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'QR shop' },
    { headers: adminHeaders(server) },
  );
  const shop = merchantClient(server.url, keysOf(created.data, 'test'));
  expect((await shop({ method: 'POST', path: '/api/v1/mpesa-accounts', body: account })).status).toBe(201);
  return shop;
}

/** What a phone's camera reads from the PNG, and the PNG's size. */
function scan(pngBase64: string): { text: string; width: number; height: number } {
  const image = PNG.sync.read(Buffer.from(pngBase64, 'base64'));
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height, {
    inversionAttempts: 'dontInvert',
  });
  if (!code) throw new Error('no QR code could be read from the PNG');
  return { text: code.data, width: image.width, height: image.height };
}

const qrBody = (overrides: Record<string, unknown> = {}) => ({
  amount: 150,
  reference: 'INV-9',
  merchantName: 'TEST SUPERMARKET',
  ...overrides,
});

describe('POST /api/v1/qr-codes', () => {
  it("when the account has a till, then Daraja's PNG is a real QR naming Buy Goods to the till, the amount and the reference, with an SVG of the same beside it", async () => {
    const shop = await shopWith(accountBody({ shortcode: '600300', tillNumber: '3003001' }));
    const created = await shop({ method: 'POST', path: '/api/v1/qr-codes', body: qrBody() });
    expect(created.status).toBe(201);
    const { qrCode } = created.data;
    expect(qrCode).toMatchObject({
      channel: 'till',
      trxCode: 'BG',
      cpi: '3003001',
      amount: 150,
      reference: 'INV-9',
      merchantName: 'TEST SUPERMARKET',
      size: 300,
    });
    // Opaque, AG_-shaped: Daraja's ResponseCode here is not a status (docs/daraja.md §7).
    expect(qrCode.darajaResponseCode).toMatch(/^AG_\d{8}_[0-9a-f]{20}$/);
    expect(qrCode.darajaRequestId).toMatch(/^\d+-\d+-1$/);

    const read = scan(qrCode.png);
    expect({ width: read.width, height: read.height }).toEqual({ width: 300, height: 300 });
    expect(JSON.parse(read.text)).toEqual({
      MerchantName: 'TEST SUPERMARKET',
      RefNo: 'INV-9',
      Amount: 150,
      TrxCode: 'BG',
      CPI: '3003001',
    });
    expect(qrCode.payload).toBe(read.text);
    expect(qrCode.svg).toMatch(/^<svg [^>]*viewBox="0 0 \d+ \d+"/);
    expect(qrCode.svg).toContain('</svg>');

    const again = await shop({ method: 'GET', path: `/api/v1/qr-codes/${qrCode.id}` });
    expect(again.data.qrCode).toEqual(qrCode);
  });

  it('when the account is a PayBill, then the QR names PayBill (PB) to its shortcode, at the size asked', async () => {
    const shop = await shopWith(accountBody({ shortcode: '600301' }));
    const created = await shop({
      method: 'POST',
      path: '/api/v1/qr-codes',
      body: qrBody({ amount: 20, reference: 'ORDER 77', size: 420 }),
    });
    expect(created.status).toBe(201);
    const read = scan(created.data.qrCode.png);
    expect(read.width).toBe(420);
    expect(JSON.parse(read.text)).toMatchObject({
      TrxCode: 'PB',
      CPI: '600301',
      Amount: 20,
      RefNo: 'ORDER 77',
    });
  });

  it('when an Idempotency-Key is repeated, then the first QR answers again; with another body, 409', async () => {
    const shop = await shopWith(accountBody({ shortcode: '600302' }));
    const headers = { 'Idempotency-Key': 'qr-1' };
    const first = await shop({ method: 'POST', path: '/api/v1/qr-codes', body: qrBody(), headers });
    const again = await shop({ method: 'POST', path: '/api/v1/qr-codes', body: qrBody(), headers });
    expect(again.status).toBe(201);
    expect(again.data.qrCode.id).toBe(first.data.qrCode.id);
    const other = await shop({
      method: 'POST',
      path: '/api/v1/qr-codes',
      body: qrBody({ amount: 5 }),
      headers,
    });
    expect(other.status).toBe(409);
    expect(other.data.error.code).toBe('idempotency_key_reused');
  });

  it.each([
    ['a till on an account without one', { channel: 'till' }, 'channel'],
    ['a decimal amount', { amount: 10.5 }, 'amount'],
    ['a reference over 12 characters', { reference: 'INV-1234567890' }, 'reference'],
    ['a size under 100 pixels', { size: 50 }, 'size'],
  ])('when it asks for %s, then 400 validation_failed names the field', async (_label, overrides, field) => {
    const shop = await shopWith(accountBody({ shortcode: '600303' }));
    const refused = await shop({ method: 'POST', path: '/api/v1/qr-codes', body: qrBody(overrides) });
    expect(refused.status).toBe(400);
    expect(refused.data.error.details.fields[0]).toMatchObject({ field, in: 'body' });
  });

  it('when another project asks for this QR, then it is not found', async () => {
    const shop = await shopWith(accountBody({ shortcode: '600304' }));
    const created = await shop({ method: 'POST', path: '/api/v1/qr-codes', body: qrBody() });
    const stranger = await shopWith(accountBody({ shortcode: '600305' }));
    const read = await stranger({ method: 'GET', path: `/api/v1/qr-codes/${created.data.qrCode.id}` });
    expect(read.status).toBe(404);
    expect(read.data.error.code).toBe('qr_code_not_found');
  });
});
