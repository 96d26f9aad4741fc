// Daraja's Pull Transactions on the simulator, over real HTTP: register a shortcode for Pull,
// then query a window of its C2B payments, the ones whose confirmation never arrived included,
// paged by offset, in the nested-array answer (docs/daraja.md §7 "Pull Transactions").
import { ACCEPT, asApp, customerPays, registerBody, startC2bReceiver, type C2bReceiver } from './c2b.harness';
import { startHarness, type Harness } from './simulator.harness';

const EAT_OFFSET_MS = 3 * 3600_000;
/** `YYYY-MM-DD HH:mm:ss` in Kenyan time, as Pull's StartDate and EndDate. */
const pullDate = (at: number) => new Date(at + EAT_OFFSET_MS).toISOString().slice(0, 19).replace('T', ' ');

describe('Pull Transactions', () => {
  let harness: Harness;
  let receiver: C2bReceiver;
  let token: string;
  let app: ReturnType<typeof asApp>;
  const headers = () => ({ Authorization: `Bearer ${token}` });
  const register = (body: Record<string, unknown>) =>
    harness.post('/pulltransactions/v1/register', body, headers());
  const query = (body: Record<string, unknown>) =>
    harness.post('/pulltransactions/v1/query', body, headers());
  const pullBody = (shortCode: string, overrides: Record<string, unknown> = {}) => ({
    ShortCode: shortCode,
    RequestType: 'Pull',
    NominatedNumber: '254722000000',
    CallBackURL: 'https://shop.example.com/pull/callback',
    ...overrides,
  });

  beforeAll(async () => {
    receiver = await startC2bReceiver();
    harness = await startHarness({});
    token = await harness.fetchToken();
    app = asApp(harness, token);
    receiver.answerValidation({ json: ACCEPT });
  });
  afterAll(async () => {
    await harness.close();
    await receiver.close();
  });

  describe('POST /pulltransactions/v1/register', () => {
    it('when a shortcode registers, then 1000; again, 1001 "already Registered"', async () => {
      const first = await register(pullBody('600401'));
      expect(first.status).toBe(200);
      expect(first.json).toMatchObject({ ResponseStatus: '1000', ShortCode: '600401' });
      expect(typeof first.json.ResponseRefID).toBe('string');
      const again = await register(pullBody('600401'));
      expect(again.json).toMatchObject({ ResponseStatus: '1001' });
    });

    it('when a field is wrong, then Daraja’s 400.002.02 naming it', async () => {
      for (const [field, value] of [
        ['ShortCode', 'abc'],
        ['RequestType', 'Push'],
        ['NominatedNumber', '12'],
        ['CallBackURL', 'not a url'],
      ] as const) {
        const refused = await register(pullBody('600402', { [field]: value }));
        expect(refused.status).toBe(400);
        expect(refused.json).toMatchObject({
          errorCode: '400.002.02',
          errorMessage: `Bad Request - Invalid ${field}`,
        });
      }
    });

    it('when the token is not valid, then 404.001.03', async () => {
      const refused = await harness.post('/pulltransactions/v1/register', pullBody('600403'), {
        Authorization: 'Bearer nope',
      });
      expect(refused.status).toBe(404);
      expect(refused.json.errorCode).toBe('404.001.03');
    });
  });

  describe('POST /pulltransactions/v1/query', () => {
    it('when a shortcode never registered for Pull, then it is refused', async () => {
      const now = Date.now();
      const refused = await query({
        ShortCode: '600499',
        StartDate: pullDate(now - 3600_000),
        EndDate: pullDate(now),
        OffSetValue: '0',
      });
      expect(refused.status).toBe(400);
      expect(String(refused.json.errorMessage)).toMatch(/Invalid ShortCode/);
    });

    it('when payments were made, the confirmation of one lost, then the window answers all of them, the lost one too, in a nested array, paged by offset', async () => {
      const shortCode = '600410';
      expect((await app.register(registerBody(receiver, { ShortCode: shortCode }))).status).toBe(200);
      expect((await register(pullBody(shortCode))).status).toBe(200);
      const start = Date.now() - 1000;
      const paid: Array<Record<string, unknown>> = [];
      for (const [i, lose] of [false, true, false].entries()) {
        const answer = await customerPays(harness, {
          shortCode,
          amount: 20 + i,
          billRefNumber: `PULL-${i}`,
          commandId: i === 2 ? 'CustomerBuyGoodsOnline' : 'CustomerPayBillOnline',
          loseConfirmation: lose,
        });
        expect(answer.status).toBe(200);
        paid.push(answer.json);
      }
      expect(paid[1]!.confirmation).toMatchObject({ sent: false });
      expect(String((paid[1]!.confirmation as { reason: string }).reason)).toMatch(/never delivered/);
      const delivered = receiver.confirmations.map((c) => c.body.TransID);
      expect(delivered).not.toContain(paid[1]!.transId);

      const window = {
        ShortCode: shortCode,
        StartDate: pullDate(start),
        EndDate: pullDate(Date.now() + 1000),
      };
      const all = await query({ ...window, OffSetValue: '0' });
      expect(all.status).toBe(200);
      expect(all.json).toMatchObject({ ResponseCode: '1000', ResponseMessage: 'Success' });
      const rows = (all.json.Response as Array<Array<Record<string, unknown>>>)[0]!;
      expect(rows.map((row) => row.transactionId)).toEqual(paid.map((p) => p.transId));
      expect(rows[1]).toMatchObject({
        msisdn: 254708374149,
        transactiontype: 'c2b-pay-bill-debit',
        billreference: 'PULL-1',
        amount: '21.0',
      });
      expect(String(rows[1]!.trxDate)).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+03:00$/);
      expect(rows[2]!.transactiontype).toBe('c2b-buy-goods-debit');

      expect((await app.settings()).status).toBe(200);
      const small = await fetch(`${harness.baseUrl}/__simulator/c2b/settings`, {
        method: 'PUT',
        headers: { ...headers(), 'Content-Type': 'application/json' },
        body: JSON.stringify({ pullPageSize: 2 }),
      });
      expect(small.status).toBe(200);
      const first = await query({ ...window, OffSetValue: '0' });
      const second = await query({ ...window, OffSetValue: 2 });
      const past = await query({ ...window, OffSetValue: '3' });
      const ids = (answer: typeof first) =>
        (answer.json.Response as Array<Array<Record<string, unknown>>>)[0]!.map((row) => row.transactionId);
      expect(ids(first)).toEqual([paid[0]!.transId, paid[1]!.transId]);
      expect(ids(second)).toEqual([paid[2]!.transId]);
      expect(past.json).toMatchObject({ ResponseCode: '1001', Response: [[]] });

      // A window before the payments has none of them.
      const before = await query({
        ShortCode: shortCode,
        StartDate: pullDate(start - 7200_000),
        EndDate: pullDate(start - 3600_000),
        OffSetValue: '0',
      });
      expect(before.json).toMatchObject({ ResponseCode: '1001', Response: [[]] });
    });

    it('when a date or the offset is not as Daraja reads it, then 400.002.02 naming it', async () => {
      const shortCode = '600411';
      expect((await register(pullBody(shortCode))).status).toBe(200);
      const now = Date.now();
      const good = {
        ShortCode: shortCode,
        StartDate: pullDate(now - 60_000),
        EndDate: pullDate(now),
        OffSetValue: '0',
      };
      for (const [field, value] of [
        ['StartDate', '20260101000000'],
        ['EndDate', pullDate(now - 3600_000)],
        ['EndDate', '2026-02-31 00:00:00'],
        ['OffSetValue', '-1'],
      ] as const) {
        const refused = await query({ ...good, [field]: value });
        expect(refused.status).toBe(400);
        expect(refused.json.errorMessage).toBe(`Bad Request - Invalid ${field}`);
      }
    });
  });
});
