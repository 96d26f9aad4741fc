// C2B confirmation ingestion: walk-in payments (till or PayBill from the M-Pesa menu) posted to
// the confirmation URL the service registered with Daraja (here its own simulator), at load,
// as Safaricom posts them (docs/c2b.md); the same requests to the bare Express echo of the same
// run. Each confirmation carries its own TransID and a bill reference naming no request, so
// each becomes a new payment: stored byte for byte, a payment, a status change and an outbox
// event in one commit, before the answer.
import type http from 'node:http';
import { callJson } from './http';
import { runLoad, type LoadRequest, type LoadResult } from './load';
import { signedCall, type ProjectKeys } from './merchant';

const SHORTCODE = '600984';
const APP = { consumerKey: 'bench-c2b-consumer-key', consumerSecret: 'bench-c2b-consumer-secret' };

export interface C2bIngestionResult {
  ours: LoadResult;
  echo: LoadResult;
  /** Confirmations in the measured load (fewer are answered when the load met its time limit). */
  posted: number;
  /** ours / echo, confirmations per second. */
  ratio: number;
  /** Payments the measured confirmations made (read back by receipt, a sample). */
  sampledFound: number;
  sampled: number;
}

const receiptOf = (index: number) => `BNC${index.toString(36).toUpperCase().padStart(7, '0')}`;

/** A C2B v2 confirmation (tests/fixtures/daraja-fixtures.json `c2b_confirmation_or_validation_payload_v2_masked`). */
function confirmation(index: number): string {
  return JSON.stringify({
    TransactionType: 'Pay Bill',
    TransID: receiptOf(index),
    TransTime: '20231121121325',
    TransAmount: '5.00',
    BusinessShortCode: SHORTCODE,
    BillRefNumber: `WALK-IN ${index}`,
    InvoiceNumber: '',
    OrgAccountBalance: '25.00',
    ThirdPartyTransID: '',
    MSISDN: '2547 ***** 126',
    FirstName: 'NICHOLAS',
    MiddleName: '',
    LastName: '',
  });
}

/** A PayBill account of the project with C2B on; answers the path of its confirmation URL. */
async function switchC2bOn(agent: http.Agent, serverUrl: string, keys: ProjectKeys): Promise<string> {
  const account = await signedCall(agent, serverUrl, keys, 'POST', '/api/v1/mpesa-accounts', {
    name: 'Bench PayBill',
    environment: 'simulator',
    ...APP,
    shortcode: SHORTCODE,
    passkey: 'bench-c2b-passkey',
  });
  const accountId = (account.body as { account?: { id?: string } }).account?.id;
  if (account.status !== 201 || !accountId)
    throw new Error(`C2B bench account not created: ${account.status} ${JSON.stringify(account.body)}`);
  const on = await signedCall(agent, serverUrl, keys, 'POST', `/api/v1/mpesa-accounts/${accountId}/c2b`, {
    version: 'v2',
    responseType: 'Completed',
  });
  if (on.status !== 200) throw new Error(`C2B not switched on: ${on.status} ${JSON.stringify(on.body)}`);
  // The URL carries a token only Daraja is told: read it back from the simulator, as that app.
  const basic = Buffer.from(`${APP.consumerKey}:${APP.consumerSecret}`).toString('base64');
  const token = await callJson(agent, {
    method: 'GET',
    url: `${serverUrl}/simulator/oauth/v1/generate?grant_type=client_credentials`,
    headers: { authorization: `Basic ${basic}` },
  });
  const settings = await callJson(agent, {
    method: 'GET',
    url: `${serverUrl}/simulator/__simulator/c2b/settings`,
    headers: { authorization: `Bearer ${(token.body as { access_token: string }).access_token}` },
  });
  const registration = (
    settings.body as { shortCodes?: Record<string, { registration?: { confirmationUrl: string } }> }
  ).shortCodes?.[SHORTCODE]?.registration;
  if (!registration) throw new Error('the simulator holds no C2B registration for the bench PayBill');
  return new URL(registration.confirmationUrl).pathname;
}

export async function benchC2bIngestion(opts: {
  agent: http.Agent;
  serverUrl: string;
  echoUrl: string;
  keys: ProjectKeys;
  warmup: number;
  measured: number;
  connections: number;
}): Promise<C2bIngestionResult> {
  const path = await switchC2bOn(opts.agent, opts.serverUrl, opts.keys);
  const requests = (from: number, count: number): LoadRequest[] =>
    Array.from({ length: count }, (_, i) => ({ path, body: confirmation(from + i) }));
  const warmup = requests(0, opts.warmup);
  const measured = requests(opts.warmup, opts.measured);
  if (warmup.length > 0) {
    await runLoad(opts.echoUrl, warmup, opts.connections);
    await runLoad(opts.serverUrl, warmup, opts.connections);
  }
  const echo = await runLoad(opts.echoUrl, measured, opts.connections);
  const ours = await runLoad(opts.serverUrl, measured, opts.connections);
  // Acknowledged is stored (docs/c2b.md): a few of them read back as payments prove it.
  const sample = [0, Math.floor(opts.measured / 2), opts.measured - 1].map((i) => receiptOf(opts.warmup + i));
  let sampledFound = 0;
  for (const receipt of sample) {
    const found = await signedCall(
      opts.agent,
      opts.serverUrl,
      opts.keys,
      'GET',
      `/api/v1/transactions?receipt=${receipt}`,
    );
    if (((found.body as { data?: unknown[] }).data ?? []).length === 1) sampledFound += 1;
  }
  return {
    ours,
    echo,
    posted: measured.length,
    ratio: ours.perSecond / echo.perSecond,
    sampledFound,
    sampled: sample.length,
  };
}
