// The contract of the storage layer: every repository function (and the settlement path that
// composes them) runs the same script on SQLite and on PostgreSQL, with one fixed clock and
// predictable ids; what each call answers and what every table holds afterwards must be the
// same on both, timestamps included. A function that writes something on one engine and not
// the other (say, bumping updatedAt where its contract says it must not) fails here.
// PostgreSQL: TEST_DATABASE_URL when it names one, else the local server if it answers.
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import pg from 'pg';
import { isUniqueViolation, openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import * as transactions from '../../src/payments/transaction.repository';
import * as callbacks from '../../src/payments/callback.repository';
import * as events from '../../src/payments/event.repository';
import * as deliveries from '../../src/webhooks/delivery.repository';
import { claimDueDeliveries, type ClaimedDelivery } from '../../src/webhooks/delivery.claim';
import * as endpoints from '../../src/webhooks/endpoint.repository';
import * as projects from '../../src/projects/project.repository';
import * as nonces from '../../src/security/nonce.repository';
import * as accounts from '../../src/accounts/account.repository';
import { createSettlement, type Settlement } from '../../src/payments/transaction.settle';
import { createTransactionEvents } from '../../src/payments/payment.news';
import { transactionEvent } from '../../src/payments/event.build';
import { freshDataDir } from '../helpers/database';
import { paymentRow } from '../helpers/rows';
import { NO_REFUSAL } from '../../src/payments/transaction.refusal';

// Ids keep their time part (ordering by id is ordering by time) and get a counter instead of
// randomness, so both engines produce the same ids for the same script.
let sequence = 0;
jest.mock('../../src/ids', () => {
  const actual = jest.requireActual('../../src/ids');
  return {
    ...actual,
    newId: (prefix: string, at: Date = new Date(0)) =>
      `${actual.idTimePart(prefix, at)}${String((sequence += 1)).padStart(20, '0')}`,
  };
});

const LOCAL_POSTGRES = 'postgresql://postgres@127.0.0.1:5432/test';
const T0 = new Date('2026-11-20T09:00:00.000Z');
const at = (seconds: number) => new Date(T0.getTime() + seconds * 1000);
const TEST_A = { projectId: 'prj_a', mode: 'test' } as const;
const TABLES = [
  'Project',
  'ApiKey',
  'RetiringApiKey',
  'MpesaAccount',
  'Transaction',
  'StatusChange',
  'CallbackRecord',
  'Event',
  'WebhookEndpoint',
  'WebhookDelivery',
  'DeliveryAttempt',
  'RequestNonce',
] as const;

async function postgresUrl(): Promise<string | undefined> {
  const given = process.env.TEST_DATABASE_URL;
  const candidate = given && /^postgres(ql)?:\/\//.test(given) ? given : LOCAL_POSTGRES;
  const client = new pg.Client({ connectionString: candidate, connectionTimeoutMillis: 1000 });
  try {
    await client.connect();
    return candidate;
  } catch {
    return undefined;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** JSON-comparable: dates as ISO text, bytes as base64. */
function plain(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `bytes:${value.toString('base64')}`;
  if (Array.isArray(value)) return value.map(plain);
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([key, inner]) => [key, plain(inner)]));
  return value;
}

/** Every payment of the script starts pending at T0, due for a query at 90 s. */
const pendingRow = (
  id: string,
  overrides: Partial<transactions.NewTransaction> = {},
): transactions.NewTransaction =>
  paymentRow({ id, createdAt: T0, updatedAt: T0, reconcileAt: at(90), ...overrides });

const paid = (overrides: Partial<Settlement> = {}): Settlement => ({
  to: 'completed',
  source: 'callback',
  resultCode: '0',
  resultDesc: 'The service request is processed successfully.',
  ...overrides,
});

/** The repositories, each with the tables it writes; the script records under their names. */
const REPOSITORIES = {
  projects: ['Project', 'ApiKey', 'RetiringApiKey'],
  accounts: ['MpesaAccount'],
  endpoints: ['WebhookEndpoint'],
  transactions: ['Transaction', 'StatusChange'],
  settlement: [],
  callbacks: ['CallbackRecord'],
  events: ['Event'],
  deliveries: ['WebhookDelivery', 'DeliveryAttempt'],
  nonces: ['RequestNonce'],
} as const satisfies Record<string, readonly (typeof TABLES)[number][]>;
type Repository = keyof typeof REPOSITORIES;

/** What each repository's calls answered, by call, and what each table held at the end. */
interface Run {
  answers: Record<Repository, Record<string, unknown>>;
  tables: Record<string, unknown>;
}

/**
 * The script: every repository function, with what it answered. Runs on one engine. One script
 * rather than one per repository, because later calls read what earlier ones wrote (a
 * settlement needs payments, deliveries need the events a settlement wrote).
 */
async function script(db: Database): Promise<Run> {
  sequence = 0;
  const answers = Object.fromEntries(Object.keys(REPOSITORIES).map((name) => [name, {}])) as Run['answers'];
  let repository: Repository = 'projects';
  const { qb } = db;
  const record = async <T>(name: string, work: Promise<T>) => {
    const value = await work;
    answers[repository][name] = plain(value);
    return value;
  };

  // Projects and their keys.
  await record('insertProject', projects.insertProject(db, { id: 'prj_a', name: 'Shop A', createdAt: T0 }));
  await record(
    'insertProject.b',
    projects.insertProject(db, { id: 'prj_b', name: 'Shop B', createdAt: at(1) }),
  );
  await projects.putApiKey(db, {
    id: 'key_a_test',
    projectId: 'prj_a',
    mode: 'test',
    publicKey: 'pk_test_a',
    secretKeyEnc: 'sealed-a',
    createdAt: T0,
  });
  await projects.putApiKey(db, {
    id: 'key_a_live',
    projectId: 'prj_a',
    mode: 'live',
    publicKey: 'pk_live_a',
    secretKeyEnc: 'sealed-a-live',
    createdAt: T0,
  });
  await projects.putApiKey(db, {
    id: 'key_b_test',
    projectId: 'prj_b',
    mode: 'test',
    publicKey: 'pk_test_b',
    secretKeyEnc: 'sealed-b',
    createdAt: at(1),
  });
  await projects.putApiKey(db, {
    id: 'key_b_again',
    projectId: 'prj_b',
    mode: 'test',
    publicKey: 'pk_test_b2',
    secretKeyEnc: 'sealed-b2',
    createdAt: at(2),
  });
  await record('listProjects', projects.listProjects(db));
  await record('listApiKeys', projects.listApiKeys(db, ['prj_a', 'prj_b']));
  await record('updateProject', projects.updateProject(db, 'prj_b', { name: 'Shop B2', disabledAt: at(3) }));
  await record('updateProject.missing', projects.updateProject(db, 'prj_none', { name: 'x' }));
  await record('findProject', projects.findProject(db, 'prj_a'));
  await record('findSigner', projects.findSigner(db, 'pk_live_a', at(3)));
  await record('findSigner.rotated', projects.findSigner(db, 'pk_test_b', at(3)));
  await record('findSigner.disabled', projects.findSigner(db, 'pk_test_b2', at(3)));
  // A pair rolled with a grace: it signs until its expiry, not at it.
  for (const [id, publicKey, expiresAt] of [
    ['rky_1', 'pk_live_old1', at(10)],
    ['rky_2', 'pk_live_old2', at(20)],
  ] as const)
    await projects.retireApiKey(db, {
      id,
      projectId: 'prj_a',
      mode: 'live',
      publicKey,
      secretKeyEnc: `sealed-${publicKey}`,
      createdAt: at(0),
      retiredAt: at(4),
      expiresAt,
    });
  await record('findSigner.retiring', projects.findSigner(db, 'pk_live_old1', at(9)));
  await record('findSigner.retiring.ended', projects.findSigner(db, 'pk_live_old1', at(10)));
  await record('listRetiringKeys', projects.listRetiringKeys(db, ['prj_a', 'prj_b'], at(5)));
  await record('endRetiringKeys.expired', projects.endRetiringKeys(db, 'prj_a', 'live', at(15), 'expired'));
  await record('endRetiringKeys.all', projects.endRetiringKeys(db, 'prj_a', 'live', at(15), 'all'));

  // M-Pesa accounts.
  repository = 'accounts';
  const account = (id: string, environment: string, isDefault: boolean) =>
    accounts.insertAccount(db, {
      id,
      projectId: 'prj_a',
      name: id,
      environment,
      shortcode: '174379',
      tillNumber: environment === 'sandbox' ? '5050505' : null,
      consumerKeyEnc: `ck-${id}`,
      consumerSecretEnc: `cs-${id}`,
      passkeyEnc: `pk-${id}`,
      initiatorName: null,
      initiatorCredentialEnc: null,
      isDefault,
      createdAt: T0,
      updatedAt: T0,
    });
  await record('insertAccount.sim', account('acc_sim', 'simulator', true));
  await record('insertAccount.sandbox', account('acc_sandbox', 'sandbox', false));
  await record('insertAccount.live', account('acc_live', 'production', true));
  await record(
    'clearDefault',
    db.transaction((tx) => accounts.clearDefault(tx, 'prj_a', ['simulator', 'sandbox'], at(4))),
  );
  await record(
    'updateAccount',
    accounts.updateAccount(db, 'acc_sandbox', { isDefault: true, name: 'Sandbox till', updatedAt: at(4) }),
  );
  await record('findDefaultAccount.test', accounts.findDefaultAccount(db, 'prj_a', ['simulator', 'sandbox']));
  await record('findDefaultAccount.live', accounts.findDefaultAccount(db, 'prj_a', ['production']));
  await record(
    'findProjectAccount.otherMode',
    accounts.findProjectAccount(db, 'prj_a', 'acc_live', ['simulator', 'sandbox']),
  );
  await record(
    'listProjectAccounts',
    accounts
      .listProjectAccounts(db, ['prj_a'], ['simulator', 'sandbox'])
      .then((rows) => rows.map((row) => row.id)),
  );
  await accounts.updateAccount(db, 'acc_sim', { deletedAt: at(5), updatedAt: at(5) });
  await record('listEnvironmentAccounts', accounts.listEnvironmentAccounts(db, 'simulator'));
  await record('findAccount.deleted', accounts.findAccount(db, 'acc_sim'));
  // A create's Idempotency-Key: found in its mode only, and a second insert with it is refused
  // as a unique violation on both engines (the service's race answer depends on that).
  const keyed = (id: string) =>
    accounts.insertAccount(db, {
      id,
      projectId: 'prj_a',
      name: id,
      environment: 'simulator',
      shortcode: '174379',
      consumerKeyEnc: `ck-${id}`,
      consumerSecretEnc: `cs-${id}`,
      passkeyEnc: `pk-${id}`,
      idempotencyKey: 'acct-key-1',
      requestHash: 'hash-1',
      createdAt: at(6),
      updatedAt: at(6),
    });
  await record('insertAccount.keyed', keyed('acc_keyed'));
  await record(
    'findAccountByIdempotencyKey',
    accounts.findAccountByIdempotencyKey(db, 'prj_a', ['simulator', 'sandbox'], 'acct-key-1'),
  );
  await record(
    'findAccountByIdempotencyKey.otherMode',
    accounts.findAccountByIdempotencyKey(db, 'prj_a', ['production'], 'acct-key-1'),
  );
  await record(
    'insertAccount.keyedAgain',
    keyed('acc_keyed_2').then(
      () => 'inserted',
      (error: unknown) => (isUniqueViolation(error) ? 'unique violation' : String(error)),
    ),
  );

  // Endpoints.
  repository = 'endpoints';
  const endpoint = (id: string, projectId: string, eventTypes: string[], enabled = true) =>
    endpoints.insertEndpoint(db, {
      id,
      projectId,
      mode: 'test',
      url: `https://hooks.example.com/${id}`,
      description: null,
      eventTypes: JSON.stringify(eventTypes),
      enabled,
      disabledReason: enabled ? null : 'manual',
      secretEnc: `sealed-${id}`,
      createdAt: T0,
      updatedAt: T0,
    });
  await record('insertEndpoint.all', endpoint('we_all', 'prj_a', ['*']));
  await record('insertEndpoint.failed', endpoint('we_failed', 'prj_a', ['transaction.failed']));
  await record('insertEndpoint.off', endpoint('we_off', 'prj_a', ['*'], false));
  await record('insertEndpoint.b', endpoint('we_b', 'prj_b', ['*']));
  await record(
    'updateEndpoint',
    endpoints.updateEndpoint(db, 'we_failed', { description: 'failures only', updatedAt: at(3) }),
  );
  await record(
    'insertEndpoint.live',
    endpoints.insertEndpoint(db, {
      ...(await endpoints.findProjectEndpoint(db, TEST_A, 'we_all'))!,
      id: 'we_live',
      mode: 'live',
      url: 'https://hooks.example.com/live',
    }),
  );
  await record('findProjectEndpoint', endpoints.findProjectEndpoint(db, TEST_A, 'we_all'));
  await record(
    'findProjectEndpoint.otherProject',
    endpoints.findProjectEndpoint(db, { projectId: 'prj_b', mode: 'test' }, 'we_all'),
  );
  await record(
    'findProjectEndpoint.otherMode',
    endpoints.findProjectEndpoint(db, { projectId: 'prj_a', mode: 'live' }, 'we_all'),
  );
  await record('listProjectEndpoints', endpoints.listProjectEndpoints(db, TEST_A));

  // Payments.
  repository = 'transactions';
  const ids = ['txn_1', 'txn_2', 'txn_3', 'txn_4', 'txn_5', 'txn_6'].map(
    (suffix, index) => `txn_${at(index).getTime().toString(36).padStart(9, '0')}${suffix}`,
  );
  await db.transaction(async (tx) => {
    await transactions.insertTransactions(tx, [
      pendingRow(ids[0]!, {
        createdAt: at(0),
        checkoutRequestId: 'ws_CO_1',
        idempotencyKey: 'key-1',
        requestHash: 'h1',
      }),
      pendingRow(ids[1]!, {
        createdAt: at(1),
        phone: '254700000001',
        accountReference: 'INV2',
        checkoutRequestId: 'ws_CO_2',
      }),
      pendingRow(ids[2]!, { createdAt: at(2), checkoutRequestId: 'ws_CO_3', metadata: '{"order":3}' }),
      pendingRow(ids[3]!, { createdAt: at(3), reconcileAt: null }),
      pendingRow(ids[4]!, { createdAt: at(4), projectId: 'prj_b' }),
      pendingRow(ids[5]!, { createdAt: at(5), mode: 'live', accountId: 'acc_live' }),
    ]);
    await transactions.insertStatusChanges(
      tx,
      ids.map((id, index) => ({
        id: `chg_${index}`,
        transactionId: id,
        fromStatus: null,
        toStatus: 'pending',
        source: 'initiate',
        resultCode: null,
        resultDesc: null,
        createdAt: at(index),
      })),
    );
  });
  await record('findTransaction', transactions.findTransaction(db, ids[0]!));
  await record(
    'findProjectTransaction.otherProject',
    transactions.findProjectTransaction(db, { projectId: 'prj_b', mode: 'test' }, ids[0]!),
  );
  await record(
    'findProjectTransaction.otherMode',
    transactions.findProjectTransaction(db, { projectId: 'prj_a', mode: 'live' }, ids[0]!),
  );
  await record('findByIdempotencyKey', transactions.findByIdempotencyKey(db, TEST_A, 'key-1'));
  const list = (filters: Omit<transactions.TransactionFilters, 'limit'>) =>
    transactions
      .listTransactions(db, TEST_A, { limit: 10, ...filters })
      .then((rows) => rows.map((row) => row.id));
  await record(
    'list.live',
    transactions
      .listTransactions(db, { projectId: 'prj_a', mode: 'live' }, { limit: 10 })
      .then((rows) => rows.map((row) => row.id)),
  );
  await record('list.all', list({}));
  await record('list.window', list({ from: at(1), to: at(2) }));
  await record('list.phone', list({ phone: '254700000001' }));
  await record('list.accountReference', list({ accountReference: 'INV2' }));
  await record('list.before', list({ before: ids[2]! }));
  await record('list.status', list({ status: 'completed' }));
  await record(
    'dueForReconciliation',
    transactions.dueForReconciliation(db, at(100), 10).then((rows) => rows.map((row) => row.id)),
  );

  // scheduleReconciliation: a compare-and-set on reconcileAt that leaves updatedAt alone.
  await record('schedule.match', transactions.scheduleReconciliation(db, ids[0]!, at(90), at(200), 1));
  await record('schedule.stale', transactions.scheduleReconciliation(db, ids[0]!, at(90), at(300)));
  await record('schedule.fromNull', transactions.scheduleReconciliation(db, ids[3]!, null, at(400)));
  const scheduled = await transactions.findTransaction(db, ids[0]!);
  expect(scheduled).toMatchObject({ reconcileAt: at(200), queryAttempts: 1, updatedAt: T0 });

  await record(
    'compareAndSet.miss',
    db.transaction((tx) =>
      transactions.compareAndSetStatus(tx, ids[3]!, 'completed', { status: 'failed', updatedAt: at(5) }),
    ),
  );
  await record(
    'updateTransaction',
    transactions.updateTransaction(db, ids[3]!, {
      customerMessage: 'Accepted',
      pushFinishedAt: at(5),
      updatedAt: at(5),
    }),
  );
  await record(
    'lockTransactions',
    db.transaction((tx) =>
      transactions.lockTransactions(tx, [ids[2]!, ids[0]!]).then((rows) => rows.map((row) => row.id)),
    ),
  );

  // Settlement, through the one path every outcome takes.
  repository = 'settlement';
  let clock = at(10);
  const settle = createSettlement({ db, events: createTransactionEvents(), now: () => clock });
  const receipt = (id: string, bodyText: string) => ({
    id,
    transactionId: null,
    checkoutRequestId: null,
    sourceIp: '196.201.212.69',
    rawBody: Buffer.from(bodyText),
    receivedAt: clock,
  });
  const cbk = (n: number) =>
    `cbk_${clock.getTime().toString(36).padStart(9, '0')}${String(n).padStart(20, '0')}`;
  const outcome = (result: Awaited<ReturnType<typeof settle>>) =>
    result.claimed
      ? { label: result.label, changed: result.changed, status: result.row?.status ?? null }
      : result;
  await record(
    'settle.queryFirst',
    settle({
      transactionId: ids[0]!,
      settlement: paid({ source: 'stk_query', checkoutRequestId: 'ws_CO_1' }),
    }).then(outcome),
  );
  clock = at(11);
  const late = { ...receipt(cbk(1), 'late callback \u0000 bytes'), transactionId: ids[0]! };
  await record(
    'settle.lateCallbackEnriches',
    settle({
      transactionId: ids[0]!,
      settlement: paid({
        checkoutRequestId: 'ws_CO_1',
        mpesaReceiptNumber: 'RCPT\u0000X',
        amountPaid: 100,
        transactionDate: '20261120120011',
        paidPhone: '254712345678',
      }),
      callback: { record: late },
    }).then(outcome),
  );
  clock = at(12);
  await record(
    'settle.duplicate',
    settle({ transactionId: ids[0]!, settlement: paid({ checkoutRequestId: 'ws_CO_1' }) }).then(outcome),
  );
  await record(
    'settle.orphanMismatch',
    settle({ transactionId: ids[1]!, settlement: paid({ checkoutRequestId: 'ws_CO_OTHER' }) }).then(outcome),
  );
  await record(
    'settle.unreadable',
    settle({
      transactionId: ids[1]!,
      settlement: undefined,
      callback: { record: { ...receipt(cbk(2), '<html>'), transactionId: ids[1]! } },
    }).then(outcome),
  );
  await record(
    'settle.expiry',
    settle({
      transactionId: ids[1]!,
      settlement: { to: 'expired', source: 'expiry', resultCode: null, resultDesc: 'No final answer' },
    }).then(outcome),
  );
  clock = at(13);
  await record(
    'settle.lateCancelAfterExpiry',
    settle({
      transactionId: ids[1]!,
      settlement: {
        to: 'cancelled',
        source: 'callback',
        resultCode: '1032',
        resultDesc: 'Request cancelled by user',
        checkoutRequestId: 'ws_CO_2',
      },
    }).then(outcome),
  );
  await record(
    'settle.failedThenPaid',
    (async () => {
      await settle({
        transactionId: ids[2]!,
        settlement: {
          to: 'failed',
          source: 'push_refused',
          resultCode: '500.001.1001',
          resultDesc: 'busy',
          refusal: { ...NO_REFUSAL, refusalCode: 'mpesa_subscriber_busy', refusalMessage: 'busy' },
        },
      });
      clock = at(14);
      return outcome(
        await settle({
          transactionId: ids[2]!,
          settlement: paid({ checkoutRequestId: 'ws_CO_3', mpesaReceiptNumber: 'RCPT3', amountPaid: 101 }),
        }),
      );
    })(),
  );
  // Two outcomes for one payment in one batch: the second sees the first.
  clock = at(15);
  await record(
    'settle.sameBatch',
    Promise.all([
      settle({ transactionId: ids[4]!, settlement: paid() }).then(outcome),
      settle({
        transactionId: ids[4]!,
        settlement: { to: 'failed', source: 'callback', resultCode: '1', resultDesc: 'Insufficient funds' },
      }).then(outcome),
    ]),
  );

  // Callbacks kept for the sweep, claimed once.
  repository = 'callbacks';
  clock = at(16);
  await callbacks.storeUnprocessedCallback(db, { ...receipt(cbk(3), 'stored'), transactionId: ids[3]! });
  await callbacks.storeUnprocessedCallback(db, {
    ...receipt(cbk(4), 'stored for nobody'),
    transactionId: 'txn_unknown',
  });
  await record('listUnprocessedCallbacks', callbacks.listUnprocessedCallbacks(db, 10));
  await record(
    'claim.first',
    db.transaction((tx) => callbacks.claimStoredCallbacks(tx, [cbk(3), cbk(4)], clock)),
  );
  await record(
    'claim.again',
    db.transaction((tx) => callbacks.claimStoredCallbacks(tx, [cbk(3)], clock)),
  );
  await db.transaction((tx) => callbacks.setCallbackOutcome(tx, cbk(3), 'orphan'));
  await record('listTransactionCallbacks', callbacks.listTransactionCallbacks(db, ids[0]!));

  // Events and the outbox fan-out (written by the settlements above), and a direct one.
  repository = 'events';
  await record(
    'recordEvents',
    db.transaction((tx) =>
      events.recordEvents(tx, [transactionEvent(pendingRow(ids[3]!), 'failed', at(17))]),
    ),
  );
  await record(
    'listEvents',
    events
      .listEvents(db, TEST_A, { limit: 20 })
      .then((rows) => rows.map((row) => [row.type, row.transactionId])),
  );
  await record(
    'listEvents.filtered',
    events.listEvents(db, TEST_A, { type: 'transaction.updated', transactionId: ids[0]!, limit: 20 }),
  );
  const [firstEvent] = await events.listEvents(db, TEST_A, { limit: 1 });
  await record(
    'findProjectEvent.otherProject',
    events.findProjectEvent(db, { projectId: 'prj_b', mode: 'test' }, firstEvent!.id),
  );

  // Deliveries: claim, attempts, requeue, prune.
  repository = 'deliveries';
  const claimed = await record(
    'claimDue',
    db.transaction((tx) => claimDueDeliveries(tx, 3, at(20), at(50))),
  );
  await record(
    'claimDue.leased',
    db.transaction((tx) =>
      claimDueDeliveries(tx, 100, at(21), at(50)).then((rows) => rows.map((row) => row.id)),
    ),
  );
  const attempt = (delivery: ClaimedDelivery, n: number, statusCode: number | null) => ({
    id: `wha_${n}`,
    deliveryId: delivery.id,
    attemptedAt: at(22),
    statusCode,
    latencyMs: 12,
    responseBody: statusCode ? 'ok' : null,
    error: statusCode ? null : 'ECONNREFUSED',
  });
  const [one, two, three] = claimed;
  await db.transaction((tx) =>
    deliveries.recordAttempts(tx, [
      {
        attempt: attempt(one!, 1, 200),
        endpointId: one!.endpoint.id,
        outcome: { kind: 'succeeded' },
        endpointChange: {},
      },
      {
        attempt: attempt(two!, 2, null),
        endpointId: two!.endpoint.id,
        outcome: { kind: 'retry', at: at(60) },
        endpointChange: { failingSince: at(22) },
      },
      {
        attempt: attempt(three!, 3, 410),
        endpointId: three!.endpoint.id,
        outcome: { kind: 'failed' },
        endpointChange: {
          disable: { reason: 'gone', event: transactionEvent(pendingRow(ids[3]!), 'failed', at(22)) },
        },
      },
    ]),
  );
  await record('listEndpointDeliveries', deliveries.listEndpointDeliveries(db, 'we_all', { limit: 20 }));
  await record('listEventDeliveries', deliveries.listEventDeliveries(db, one!.eventId));
  await record(
    'requeue',
    db.transaction((tx) =>
      deliveries.requeueDeliveries(tx, [
        {
          id: 'whd_new',
          eventId: one!.eventId,
          endpointId: one!.endpoint.id,
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(30),
          createdAt: at(30),
        },
        {
          id: 'whd_other',
          eventId: one!.eventId,
          endpointId: 'we_off',
          status: 'pending',
          attempts: 0,
          nextAttemptAt: at(30),
          createdAt: at(30),
        },
      ]),
    ),
  );
  await record('requeueFailed', deliveries.requeueFailedDeliveries(db, three!.endpoint.id, T0, at(31)));
  repository = 'endpoints';
  await record('releaseHeldDeliveries', endpoints.releaseHeldDeliveries(db, 'we_off', T0, at(32)));
  await record(
    'failPendingDeliveries',
    endpoints.failPendingDeliveries(db, 'we_b', 'endpoint deleted', at(33)),
  );

  // Replay guard.
  repository = 'nonces';
  await record('nonce.first', nonces.recordNonce(db, 'sig-1', 'order-1', at(300), at(40)));
  await record('nonce.replay', nonces.recordNonce(db, 'sig-1', '', at(300), at(41)));
  await record('nonce.other', nonces.recordNonce(db, 'sig-2', '', at(5), at(41)));
  await record('nonce.afterExpiry', nonces.recordNonce(db, 'sig-2', 'again', at(500), at(42)));

  // Pruning: only what is old enough, and only what may go.
  repository = 'deliveries';
  await record(
    'pruneDeliveries',
    db.transaction((tx) => deliveries.pruneSucceededDeliveries(tx, at(3600), 100)),
  );
  repository = 'callbacks';
  await record('pruneCallbacks', callbacks.pruneProcessedCallbacks(db, at(3600), 100));
  repository = 'nonces';
  await record('pruneNonces', nonces.pruneExpiredNonces(db, at(100), 100));

  const tables: Run['tables'] = {};
  for (const table of TABLES)
    tables[table] = plain(
      await db.all(
        qb
          .selectFrom(table)
          .selectAll()
          .orderBy(table === 'RequestNonce' ? 'key' : 'id'),
      ),
    );
  return { answers, tables };
}

const opened: Database[] = [];
afterAll(() => Promise.all(opened.map((db) => db.close())));

async function fresh(url: string): Promise<Database> {
  const db = await openDatabase(url);
  opened.push(db);
  await applyMigrations(db, { legacyMode: 'test' });
  return db;
}

let onSqlite: Run;
let onPostgres: Run | undefined;
beforeAll(async () => {
  onSqlite = await script(await fresh(`file:${path.join(freshDataDir(), 'contract.db')}`));
  const postgres = await postgresUrl();
  if (!postgres) {
    console.warn('PostgreSQL is not reachable: the contract ran on SQLite only (CI runs both).');
    return;
  }
  const url = new URL(postgres);
  url.searchParams.set('schema', `test_contract_${randomBytes(6).toString('hex')}`);
  onPostgres = await script(await fresh(url.toString()));
}, 60_000);

/** One repository's answers and tables, as one engine left them. */
const partOf = (run: Run, repository: Repository) => ({
  answers: run.answers[repository],
  tables: Object.fromEntries(REPOSITORIES[repository].map((table) => [table, run.tables[table]])),
});

/** The same on both engines (on SQLite alone, where PostgreSQL does not answer, it passes as the warning says). */
function sameOnBothEngines(repository: Repository) {
  it('when the script runs on both engines, then every answer and every row is the same', () => {
    expect(Object.keys(onSqlite.answers[repository]).length).toBeGreaterThan(0);
    if (onPostgres) expect(partOf(onPostgres, repository)).toEqual(partOf(onSqlite, repository));
  });
}

describe('the project repository', () => {
  sameOnBothEngines('projects');
});

describe('the M-Pesa account repository', () => {
  sameOnBothEngines('accounts');

  it("when a create's Idempotency-Key is used again in its mode, then the first account is found and a second insert is a unique violation", () => {
    for (const run of onPostgres ? [onSqlite, onPostgres] : [onSqlite]) {
      const answers = run.answers.accounts;
      expect(answers['findAccountByIdempotencyKey']).toMatchObject({
        id: 'acc_keyed',
        requestHash: 'hash-1',
      });
      expect(answers['findAccountByIdempotencyKey.otherMode']).toBeUndefined();
      expect(answers['insertAccount.keyedAgain']).toBe('unique violation');
    }
  });
});

describe('the webhook endpoint repository', () => {
  sameOnBothEngines('endpoints');
});

describe('the transaction repository', () => {
  sameOnBothEngines('transactions');

  it('when payments are listed within a time window, then only those created in it come', () => {
    expect(onSqlite.answers.transactions['list.window']).toHaveLength(2);
  });
});

// What the script must have produced, whatever the engine (so a shared bug cannot pass).
describe('settlement (transaction.settle.ts over the repositories)', () => {
  sameOnBothEngines('settlement');

  it('when a callback arrives after a query settled the payment, then it enriches the row', () => {
    expect(onSqlite.answers.settlement['settle.lateCallbackEnriches']).toEqual({
      label: 'enriched',
      changed: true,
      status: 'completed',
    });
  });

  it("when the customer's cancel arrives after expiry, then Daraja's reason wins", () => {
    expect(onSqlite.answers.settlement['settle.lateCancelAfterExpiry']).toEqual({
      label: 'applied',
      changed: true,
      status: 'cancelled',
    });
  });

  it('when a payment we failed ourselves is later paid, then it completes', () => {
    expect(onSqlite.answers.settlement['settle.failedThenPaid']).toEqual({
      label: 'applied',
      changed: true,
      status: 'completed',
    });
  });

  it('when two outcomes for one payment share a batch, then the second sees the first', () => {
    expect(onSqlite.answers.settlement['settle.sameBatch']).toEqual([
      { label: 'applied', changed: true, status: 'completed' },
      { label: 'duplicate', changed: false, status: 'completed' },
    ]);
  });
});

describe('the callback repository', () => {
  sameOnBothEngines('callbacks');

  it('when stored callbacks are claimed twice, then the second claim gets none', () => {
    expect(onSqlite.answers.callbacks['claim.again']).toEqual([]);
  });
});

describe('the event repository', () => {
  sameOnBothEngines('events');
});

describe('the webhook delivery repository', () => {
  sameOnBothEngines('deliveries');
});

describe('the nonce repository (the replay guard on the database)', () => {
  sameOnBothEngines('nonces');

  it('when a nonce is used again before it expires, then the first use is named', () => {
    expect(onSqlite.answers.nonces['nonce.replay']).toEqual({ firstTag: 'order-1' });
  });

  it('when a nonce is used again after it expired, then it is taken afresh', () => {
    expect(onSqlite.answers.nonces['nonce.afterExpiry']).toBeUndefined();
  });
});

test('when every table is read, then each belongs to one repository above', () => {
  expect(Object.values(REPOSITORIES).flat().sort()).toEqual([...TABLES].sort());
});
