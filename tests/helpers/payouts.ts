// Money out as tests need it: a project whose test mode pays out through a simulator account
// with an initiator, payouts turned on by the operator, and small readers of the simulator's
// own counters and balances.
import axios from 'axios';
import { createKeyring } from '../../src/security/vault';
import { createTransactionSecrets } from '../../src/security/transaction-secrets';
import { accountBody, keysOf } from './accounts';
import { merchantClient, type MerchantRequest } from './merchant';

/** A test account's initiator password (encrypted into each SecurityCredential; never in a log or answer). */
export const INITIATOR_PASSWORD = 'Sim-Initiator-Pass#9f3a7c';

export interface PayoutSettingsInput {
  enabled?: boolean;
  perPayoutMax?: number;
  dailyMax?: number;
  approval?: 'all' | 'above' | 'none';
  approvalAbove?: number | null;
  allowedIps?: string[] | null;
}

export async function setPayoutSettings(
  server: { url: string; adminToken: string },
  projectId: string,
  mode: 'test' | 'live',
  settings: PayoutSettingsInput = {},
) {
  return axios.put(
    `${server.url}/api/v1/projects/${projectId}/payout-settings`,
    { mode, enabled: true, perPayoutMax: 250_000, dailyMax: 10_000_000, approval: 'none', ...settings },
    { headers: { Authorization: `Bearer ${server.adminToken}` }, validateStatus: () => true },
  );
}

export interface PayoutProject {
  projectId: string;
  accountId: string;
  shortcode: string;
  merchant: MerchantRequest;
  publicKey: string;
  /** Its test keys (the project stream's handshake signs with them). */
  keys: { publicKey: string; secretKey: string };
}

/** A new project with a simulator account that can pay out, and test payouts on with `settings`. */
export async function payoutProject(
  server: { url: string; adminToken: string },
  settings: PayoutSettingsInput | false = {},
  shortcode = String(600_000 + Math.floor(Math.random() * 99_999)).slice(0, 6),
): Promise<PayoutProject> {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Payout shop' },
    { headers: { Authorization: `Bearer ${server.adminToken}` } },
  );
  const keys = keysOf(created.data, 'test');
  const merchant = merchantClient(server.url, keys);
  const account = await merchant({
    method: 'POST',
    path: '/api/v1/mpesa-accounts',
    body: accountBody({
      name: 'B2C',
      shortcode,
      initiatorName: 'testapi',
      initiatorPassword: INITIATOR_PASSWORD,
    }),
  });
  if (account.status !== 201) throw new Error(`account: ${account.status} ${JSON.stringify(account.data)}`);
  if (settings !== false) {
    const set = await setPayoutSettings(server, keys.projectId, 'test', settings);
    if (set.status !== 200) throw new Error(`settings: ${set.status} ${JSON.stringify(set.data)}`);
  }
  return {
    projectId: keys.projectId,
    accountId: account.data.account.id,
    shortcode,
    merchant,
    publicKey: keys.publicKey,
    keys,
  };
}

export const payoutBody = (overrides: Record<string, unknown> = {}) => ({
  phone: '0708374149',
  amount: 1500,
  remarks: 'Refund INV001',
  ...overrides,
});

/** The simulator's counters (GET /simulator/__simulator/stats). */
export async function simulatorStats(serverUrl: string, mount = '/simulator') {
  const response = await axios.get(`${serverUrl}${mount}/__simulator/stats`);
  return response.data as { b2cRequests: number; transactionStatusQueries: number; resultsSent: number };
}

export async function setSimulatorBalance(
  serverUrl: string,
  shortcode: string,
  utility: number,
  mount = '/simulator',
) {
  await axios.put(`${serverUrl}${mount}/__simulator/balances?shortcode=${shortcode}`, { utility });
}

/** The path Safaricom posts a payout's result of `kind` to (the token derived as the service does). */
export function payoutResultPath(
  server: { config: { masterKeyHex?: string | undefined } },
  payoutId: string,
  kind: 'result' | 'timeout' | 'status' | 'status-timeout',
  token?: string,
): string {
  const secrets = createTransactionSecrets(createKeyring(Buffer.from(server.config.masterKeyHex!, 'hex')));
  return `/api/v1/callbacks/payouts/${payoutId}/${token ?? secrets.callbackToken(payoutId)}/${kind}`;
}
