// Migration 0009 moves a refused push from the JSON in "submitError" into columns. A payment
// refused before the upgrade must replay the same error after it (same code, message, details
// and Retry-After), on both engines.
import fs from 'node:fs';
import path from 'node:path';
import { openDatabase, type Database } from '../../src/db/database';
import { applyMigrations } from '../../src/db/migrate';
import { AppError } from '../../src/errors';
import { findTransaction } from '../../src/payments/transaction.repository';
import { refusalOf } from '../../src/payments/transaction.refusal';
import { toMerchantView } from '../../src/payments/transaction.view';
import { freshDatabaseUrl, freshDataDir } from '../helpers/database';

const REFUSAL_MIGRATION = '0009_push_refusal_columns';
const T0 = new Date('2026-03-01T10:00:00.000Z');

let db: Database;

/** The refusals as the code before 0009 serialised them (transaction.service.ts, JSON.stringify). */
const answered = {
  code: 'mpesa_subscriber_busy',
  message: 'The customer already has an M-Pesa prompt in progress; try again in a minute',
  details: {
    darajaErrorCode: '500.001.1001',
    darajaMessage:
      'Unable to lock subscriber, a transaction is already in process for the current subscriber',
    darajaRequestId: '16813-1590513-1',
    darajaHttpStatus: 500,
    transactionId: 'txn_answered',
  },
  headers: { 'Retry-After': '60' },
};
const unreachable = {
  code: 'mpesa_unavailable',
  message: 'M-Pesa could not be reached; try again shortly',
  details: { reason: 'ECONNREFUSED', transactionId: 'txn_unreachable' },
  headers: { 'Retry-After': '30' },
};
const noDarajaCode = {
  code: 'mpesa_credentials_rejected',
  message: 'M-Pesa refused the consumer key and secret',
  details: {
    darajaErrorCode: null,
    darajaMessage: null,
    darajaRequestId: null,
    darajaHttpStatus: 400,
    transactionId: 'txn_nocode',
  },
};

function legacyRow(id: string, submitError: string | null) {
  return {
    id,
    projectId: 'prj_a',
    mode: 'test',
    accountId: null,
    status: submitError ? 'failed' : 'pending',
    phone: '254712345678',
    amount: 100,
    channel: 'paybill',
    shortcode: '174379',
    partyB: '174379',
    accountReference: 'INV1',
    description: 'Order',
    idempotencyKey: `key-${id}`,
    requestHash: 'hash',
    pushFinishedAt: T0,
    submitError,
    createdAt: T0,
    updatedAt: T0,
    settledAt: submitError ? T0 : null,
    settledBy: submitError ? 'push_refused' : null,
    queryAttempts: 0,
  };
}

beforeAll(async () => {
  db = await openDatabase(freshDatabaseUrl(freshDataDir()));
  const folder = path.join(__dirname, '..', '..', 'prisma', 'migrations', db.engine);
  const before = fs
    .readdirSync(folder)
    .filter((name) => name < REFUSAL_MIGRATION)
    .sort();
  await db.withMigrationLock(async (session) => {
    expect(await session.appliedMigrations()).toEqual([]);
    for (const name of before)
      await session.applyMigration(
        name,
        fs.readFileSync(path.join(folder, name, 'migration.sql'), 'utf8'),
        T0,
      );
    await session.db.run(
      session.db.qb.insertInto('Project').values({ id: 'prj_a', name: 'A', createdAt: T0 }),
    );
    // The row type is the schema after 0009, which has no "submitError": these rows are older.
    const rows = [
      legacyRow('txn_answered', JSON.stringify(answered)),
      legacyRow('txn_unreachable', JSON.stringify(unreachable)),
      legacyRow('txn_nocode', JSON.stringify(noDarajaCode)),
      legacyRow('txn_accepted', null),
    ];
    await session.db.run(session.db.qb.insertInto('Transaction').values(rows as never));
  });
  expect(await applyMigrations(db, { legacyMode: 'test' })).toContain(REFUSAL_MIGRATION);
});

afterAll(() => db?.close());

async function replayedError(id: string) {
  const row = (await findTransaction(db, id))!;
  const error = refusalOf(row);
  expect(error).toBeInstanceOf(AppError);
  return { code: error!.code, message: error!.message, details: error!.details, headers: error!.headers };
}

describe('when payments refused before migration 0009 are read after it', () => {
  it('then a refusal Daraja answered replays its code, message, Daraja details and Retry-After', async () => {
    expect(await replayedError('txn_answered')).toEqual(answered);
  });

  it('then a refusal because Daraja could not be reached replays its reason and Retry-After', async () => {
    expect(await replayedError('txn_unreachable')).toEqual(unreachable);
  });

  it('then a refusal without Daraja errorCode nor Retry-After replays its nulls and no header', async () => {
    expect(await replayedError('txn_nocode')).toEqual({ ...noDarajaCode, headers: undefined });
  });

  it('then the payment view names the refusal as its failure', async () => {
    const view = toMerchantView((await findTransaction(db, 'txn_answered'))!);
    expect(view.failure).toMatchObject({ code: answered.code, message: answered.message });
  });

  it('then a payment whose push was not refused has no refusal', async () => {
    expect(refusalOf((await findTransaction(db, 'txn_accepted'))!)).toBeUndefined();
  });
});
