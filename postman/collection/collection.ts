// The whole collection, folders in run order (Health -> Projects -> Transactions -> Webhooks -> Simulator),
// and the local environment. A new feature adds a `<feature>.folder.ts` beside the others and
// one line below, before the Simulator folder (which counts what the run before it did).
import fs from 'node:fs';
import path from 'node:path';
import { accountsFolder } from './accounts.folder';
import { c2bFolder } from './c2b.folder';
import { payoutsFolder } from './payouts.folder';
import { refundsFolder } from './refunds.folder';
import { balancesFolder } from './balances.folder';
import { checkoutFolder } from './checkout.folder';
import { diagnosticsFolder } from './diagnostics.folder';
import { dashboardFolder } from './dashboard.folder';
import { healthFolder } from './health.folder';
import {
  COLLECTION_SCHEMA,
  noAuth,
  script,
  type Collection,
  type Environment,
  type Folder,
  type RequestItem,
} from './postman-format';
import { projectsFolder } from './projects.folder';
import { simulatorFolder } from './simulator.folder';
import { testPaymentsFolder } from './test-payments.folder';
import { transactionsFolder } from './transactions.folder';
import { webhooksFolder } from './webhooks.folder';

// Fixed ids, so the generated files only change when their content does (and Postman
// recognises a re-import as the same collection and environment).
const COLLECTION_ID = '6c1f3a52-5d0e-4b8e-9a57-2f4d8e1b7c30';
const ENVIRONMENT_ID = '0b7e2c4d-91a3-4f6e-8d25-3c9a1e5f7b42';

const DESCRIPTION = `Every endpoint of mpesa-bridge, grouped by feature, with test scripts.

**Set up**: import this collection and \`local.postman_environment.json\` (both in \`postman/\`), select the **mpesa-bridge local** environment, and paste the admin token into \`adminToken\` (\`npm start\` writes it to \`data/admin-token\`).

**Run**: the Collection Runner (or \`newman\`) goes Health -> Create project (saves \`projectId\`, \`publicKey\`, \`secretKey\`) -> Initiate payment (saves \`transactionId\`) -> status pending -> wait for the simulator's callback -> status completed -> list -> a cancelled payment -> error examples -> Webhooks: create an endpoint (saves \`webhookEndpointId\`, \`webhookSecret\`), change it, rotate its secret, find the payment's \`transaction.completed\` event (saves \`eventId\`), redeliver it, read its deliveries, reconcile the payment, delete the endpoint. Each request also works on its own with "Send" once the variables it reads are set.

**Signing**: the collection's pre-request script signs every request that has an \`X-Api-Key\` header: it sets \`{{signatureTimestamp}}\` and \`{{signature}}\` (hex HMAC-SHA256 of \`timestamp\\nMETHOD\\npath?query\\nbody\` keyed with \`{{secretKey}}\`) for the \`X-Timestamp\` and \`X-Signature\` headers. To add a signed request, copy one from the Transactions folder.`;

export function buildCollection(): Collection {
  const signing = fs.readFileSync(path.join(__dirname, 'sign-request.js'), 'utf8');
  const folders = [
    healthFolder,
    projectsFolder,
    transactionsFolder,
    testPaymentsFolder,
    checkoutFolder,
    webhooksFolder,
    accountsFolder,
    c2bFolder,
    payoutsFolder,
    refundsFolder,
    balancesFolder,
    diagnosticsFolder,
    dashboardFolder,
    simulatorFolder,
  ];
  assertUniqueNames(folders);
  return {
    info: {
      _postman_id: COLLECTION_ID,
      name: 'mpesa-bridge',
      description: DESCRIPTION,
      schema: COLLECTION_SCHEMA,
    },
    auth: noAuth,
    event: [script('prerequest', signing)],
    variable: [
      { key: 'idempotencyKey', value: '', description: 'Set by "Initiate payment" for each send' },
      {
        key: 'initiatedAt',
        value: '',
        description:
          'When "Initiate payment" got its answer (ms), to know whether "pending" is still certain',
      },
      {
        key: 'previousPublicKey',
        value: '',
        description: 'The public key before "Rotate project keys", for an error example',
      },
      {
        key: 'previousWebhookSecret',
        value: '',
        description: 'The webhook secret before "Rotate webhook secret", to check it changed',
      },
    ],
    item: folders,
  };
}

/** The "Wait for ..." requests re-run themselves by name (setNextRequest), so names must be unique. */
function assertUniqueNames(items: (Folder | RequestItem)[], seen = new Set<string>()): void {
  for (const item of items) {
    if (seen.has(item.name)) throw new Error(`Two items are named "${item.name}"`);
    seen.add(item.name);
    if ('item' in item) assertUniqueNames(item.item, seen);
  }
}

export function buildEnvironment(): Environment {
  const value = (key: string, initial = '', type: 'default' | 'secret' = 'default') => ({
    key,
    value: initial,
    type,
    enabled: true as const,
  });
  return {
    id: ENVIRONMENT_ID,
    name: 'mpesa-bridge local',
    values: [
      value('baseUrl', 'http://localhost:3000'),
      value('adminToken', '', 'secret'),
      value('projectId'),
      value('publicKey'),
      value('secretKey', '', 'secret'),
      value('transactionId'),
      value('clientSecret', '', 'secret'),
      value('cancelledTransactionId'),
      value('webhookEndpointId'),
      value('webhookSecret', '', 'secret'),
      value('eventId'),
      value('accountId'),
      value('linkId'),
      value('linkSlug'),
      value('checkoutSessionId'),
      value('checkoutSessionSecret', '', 'secret'),
      value('refundPaymentId'),
      value('refundId'),
      value('balanceCheckId'),
    ],
    _postman_variable_scope: 'environment',
  };
}
