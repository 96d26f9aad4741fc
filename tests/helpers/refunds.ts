// Refunds as tests need them: a project whose simulator account has an initiator (money out on),
// a completed STK payment and a C2B payment through the service's own simulator, an approver,
// and a reversal made behind the service's back (as on the M-Pesa portal).
import axios from 'axios';
import { parseCertificate } from '../../src/core/certificate';
import { encryptSecurityCredential } from '../../src/mpesa/mpesa.security-credential';
import { accountBody, keysOf } from './accounts';
import { browserFor, createDashboardUser, PASSWORD, type DashboardBrowser } from './dashboard';
import { initiateBody, merchantClient, type MerchantRequest } from './merchant';
import { INITIATOR_PASSWORD, setPayoutSettings } from './payouts';
import { eventually } from './realtime';

export interface RefundShop {
  projectId: string;
  accountId: string;
  shortcode: string;
  merchant: MerchantRequest;
  keys: { publicKey: string; secretKey: string; projectId: string };
  app: { consumerKey: string; consumerSecret: string };
}

type Server = { url: string; adminToken: string };

export async function refundShop(server: Server, payoutsOn = true): Promise<RefundShop> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Refund shop' },
    { headers: { Authorization: `Bearer ${server.adminToken}` } },
  );
  const keys = keysOf(created.data, 'test');
  const merchant = merchantClient(server.url, keys);
  const shortcode = String(610_000 + Math.floor(Math.random() * 89_999));
  const body = accountBody({
    name: 'Shop',
    shortcode,
    initiatorName: 'testapi',
    initiatorPassword: INITIATOR_PASSWORD,
  });
  const account = await merchant({ method: 'POST', path: '/api/v1/mpesa-accounts', body });
  if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.data)}`);
  if (payoutsOn) await setPayoutSettings(server, keys.projectId, 'test');
  return {
    projectId: keys.projectId,
    accountId: account.data.account.id,
    shortcode,
    merchant,
    keys,
    app: { consumerKey: body.consumerKey, consumerSecret: body.consumerSecret },
  };
}

/** A completed STK payment of `amount` (the simulator's default phone pays). */
export async function paidByStk(shop: RefundShop, amount = 250) {
  const started = await shop.merchant({
    method: 'POST',
    path: '/api/v1/transactions/initiate',
    body: initiateBody({ amount, account: shop.accountId }),
  });
  if (started.status !== 201) throw new Error(`initiate: ${started.status} ${JSON.stringify(started.data)}`);
  const paid = await eventually(
    () => shop.merchant({ method: 'GET', path: `/api/v1/transactions/${started.data.transaction.id}` }),
    (read) =>
      read.data.transaction.status === 'completed' && read.data.transaction.mpesaReceiptNumber !== null,
    10_000,
  );
  return paid.data.transaction as { id: string; mpesaReceiptNumber: string; amount: number };
}

/** A C2B payment of `amount` from the M-Pesa menu (C2B switched on for the account first). */
export async function paidByC2b(server: Server, shop: RefundShop, amount = 75) {
  const on = await shop.merchant({
    method: 'POST',
    path: `/api/v1/mpesa-accounts/${shop.accountId}/c2b`,
    body: { version: 'v2' },
  });
  if (on.status !== 200) throw new Error(`c2b: ${on.status} ${JSON.stringify(on.data)}`);
  const answer = await axios.post(`${server.url}/simulator/__simulator/c2b/payments`, {
    shortCode: shop.shortcode,
    msisdn: '254712345678',
    consumerKey: shop.app.consumerKey,
    amount,
    billRefNumber: 'ROOM 7',
  });
  const receipt = answer.data.transId as string;
  const found = await eventually(
    () => shop.merchant({ method: 'GET', path: `/api/v1/transactions?receipt=${receipt}` }),
    (read) => read.data.data?.length === 1,
    10_000,
  );
  return found.data.data[0] as { id: string; mpesaReceiptNumber: string; amount: number };
}

let users = 0;
export async function dashboardUserOf(
  server: Server & { url: string },
  shop: RefundShop,
): Promise<DashboardBrowser> {
  users += 1;
  const email = `refunder${users}-${Date.now()}@shop.example`;
  const created = await createDashboardUser(server as never, {
    email,
    password: PASSWORD,
    role: 'member',
    projectIds: [shop.projectId],
  });
  if (created.status !== 201) throw new Error(`user: ${created.status}`);
  return browserFor(server.url, email);
}

/** Reverses `receipt` on the simulator directly, as an operator would on the M-Pesa portal. */
export async function reverseBehindTheService(
  server: Server,
  shop: RefundShop,
  receipt: string,
  amount: number,
) {
  const base = `${server.url}/simulator`;
  const basic = Buffer.from(`${shop.app.consumerKey}:${shop.app.consumerSecret}`).toString('base64');
  const token = (
    await axios.get(`${base}/oauth/v1/generate?grant_type=client_credentials`, {
      headers: { Authorization: `Basic ${basic}` },
    })
  ).data.access_token;
  const certificate = parseCertificate((await axios.get(`${base}/__simulator/certificate`)).data as string);
  const resultUrl = `${server.url}/api/v1/callbacks/refunds/rf_elsewhere/none/result`;
  const answer = await axios.post(
    `${base}/mpesa/reversal/v1/request`,
    {
      Initiator: 'testapi',
      SecurityCredential: encryptSecurityCredential(INITIATOR_PASSWORD, certificate),
      CommandID: 'TransactionReversal',
      TransactionID: receipt,
      Amount: amount,
      ReceiverParty: shop.shortcode,
      RecieverIdentifierType: '11',
      ResultURL: resultUrl,
      QueueTimeOutURL: resultUrl,
      Remarks: 'On the portal',
      Occasion: 'Portal',
    },
    { headers: { Authorization: `Bearer ${token}` } },
  );
  if (answer.status !== 200) throw new Error(`reversal: ${answer.status}`);
}

export async function reversalRequests(serverUrl: string): Promise<number> {
  return (await axios.get(`${serverUrl}/simulator/__simulator/stats`)).data.reversalRequests as number;
}
