// Account balances (docs/payouts.md "Balances"): a question to Daraja's Account Balance API per
// M-Pesa account, answered later on the tokenised ResultURL; the result is stored before it is
// acknowledged (MoneyResult), its `&`/`|` string parsed into named accounts with exact cents
// (mpesa.account-balance.ts) and kept with the check. The latest check per account is what the
// dashboard shows, with a warning when the Utility account (B2C pays from it) holds less than
// the payouts waiting to go. Asking moves no money: a lost answer is simply asked again.
import type { Router } from 'express';
import type { Selectable } from 'kysely';
import type { Database } from '../db/database';
import type { BalanceCheck } from '../db/database.types';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Scope } from '../core/scope';
import type { PayoutAccount } from '../mpesa/mpesa.account';
import { parseAccountBalance, type NamedBalance } from '../mpesa/mpesa.account-balance';
import type { AccountBalanceInput, AsyncRequestOutcome } from '../mpesa/mpesa.reversal';
import { markMoneyResult, storeArrivedMoneyResult } from '../payments/money-result.repository';
import { parseDarajaResult } from '../payments/payout.result';
import { createResultRouter, resultRootUnder, type ResultRouterDeps } from '../payments/result.router';
import type { TransactionSecrets } from '../security/transaction-secrets';

export const BALANCE_RESULTS_PATH = '/api/v1/callbacks/balances';
const RESULT_KINDS = ['result', 'timeout'] as const;
/** Payout statuses whose money has not left yet: they will take it from the Utility account. */
const WAITING_PAYOUTS = ['requested', 'awaiting_approval'];

export type BalanceCheckRow = Selectable<BalanceCheck>;

export interface BalanceClient {
  accountBalance(input: AccountBalanceInput): Promise<AsyncRequestOutcome>;
}

interface Deps {
  db: Database;
  /** The account to ask about (the project's default of the mode when none is named), with its initiator. */
  accountFor(scope: Scope, accountId: string | undefined): Promise<PayoutAccount>;
  daraja(account: PayoutAccount): Promise<BalanceClient>;
  baseUrl: string;
  secrets: TransactionSecrets;
  logger: Logger;
  now?: () => Date;
}

export type BalancesService = ReturnType<typeof createBalancesService>;

export function createBalancesService(deps: Deps) {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  const rootOf = resultRootUnder(deps.baseUrl, BALANCE_RESULTS_PATH, deps.secrets);
  const urlsFor = (id: string) => {
    const root = rootOf(id);
    return { result: `${root}/result`, timeout: `${root}/timeout` };
  };

  async function settle(id: string, patch: Partial<BalanceCheckRow>): Promise<BalanceCheckRow | undefined> {
    return db.first(
      db.qb
        .updateTable('BalanceCheck')
        .set({ ...patch, updatedAt: now(), settledAt: now() })
        .where('id', '=', id)
        .where('status', '=', 'pending')
        .returningAll(),
    );
  }

  async function ask(
    scope: Scope,
    requestedBy: string,
    accountId: string | undefined,
  ): Promise<BalanceCheckRow> {
    const account = await deps.accountFor(scope, accountId);
    if (scope.mode === 'test' && account.environment !== 'simulator')
      throw new AppError(
        'payout_account_unsupported',
        'A test key asks balances through the simulator only',
        {
          reason: 'test_key_outside_simulator',
          accountId: account.id,
        },
      );
    const client = await deps.daraja(account);
    const at = now();
    const row: BalanceCheckRow = {
      id: newId('bal', at),
      projectId: scope.projectId,
      mode: scope.mode,
      accountId: account.id,
      shortcode: account.shortcode,
      status: 'pending',
      requestedBy,
      conversationId: null,
      resultCode: null,
      resultDesc: null,
      balances: null,
      rawBalance: null,
      completedTime: null,
      createdAt: at,
      updatedAt: at,
      settledAt: null,
    };
    await db.run(db.qb.insertInto('BalanceCheck').values(row));
    const urls = urlsFor(row.id);
    const outcome = await client.accountBalance({
      shortcode: account.shortcode,
      remarks: 'Balance',
      resultUrl: urls.result,
      queueTimeoutUrl: urls.timeout,
    });
    if (outcome.kind === 'accepted')
      return (
        (await db.first(
          db.qb
            .updateTable('BalanceCheck')
            .set({ conversationId: outcome.conversationId, updatedAt: now() })
            .where('id', '=', row.id)
            .returningAll(),
        )) ?? row
      );
    const failed = await settle(row.id, {
      status: 'failed',
      resultCode: outcome.kind === 'rejected' ? outcome.resultCode : null,
      resultDesc: outcome.kind === 'rejected' ? outcome.error.message : outcome.reason,
    });
    return failed ?? row;
  }

  /** What a result says for its check: the parsed balances, or a failure with its reason. */
  function read(kind: string, rawBody: Buffer): Partial<BalanceCheckRow> | undefined {
    let body: unknown;
    try {
      body = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return undefined;
    }
    const result = parseDarajaResult(body);
    if (kind === 'timeout')
      return {
        status: 'failed',
        resultCode: result?.resultCode ?? null,
        resultDesc: 'M-Pesa gave up waiting in its queue',
      };
    if (!result) return undefined;
    if (result.resultCode !== '0')
      return { status: 'failed', resultCode: result.resultCode, resultDesc: result.resultDesc ?? null };
    const raw = result.parameters.get('AccountBalance');
    const parsed = parseAccountBalance(raw);
    const completed = result.parameters.get('BOCompletedTime');
    if (!parsed.ok)
      return {
        status: 'failed',
        resultCode: result.resultCode,
        resultDesc: `The AccountBalance could not be read: ${parsed.problem}`,
        rawBalance: typeof raw === 'string' ? raw.slice(0, 2000) : null,
      };
    return {
      status: 'succeeded',
      resultCode: '0',
      resultDesc: result.resultDesc ?? null,
      balances: JSON.stringify(parsed.accounts),
      rawBalance: raw as string,
      completedTime: completed === undefined ? null : String(completed),
    };
  }

  async function receive(incoming: {
    checkId: string | null;
    kind: string;
    sourceIp: string;
    rawBody: Buffer;
  }) {
    const id = await storeArrivedMoneyResult(
      db,
      logger,
      {
        subject: 'balance',
        subjectId: incoming.checkId,
        kind: incoming.kind,
        sourceIp: incoming.sourceIp,
        rawBody: incoming.rawBody,
      },
      now(),
    );
    const patch = incoming.checkId ? read(incoming.kind, incoming.rawBody) : undefined;
    const applied = incoming.checkId && patch ? await settle(incoming.checkId, patch) : undefined;
    const label = !incoming.checkId ? 'orphan' : !patch ? 'unreadable' : applied ? 'applied' : 'duplicate';
    await markMoneyResult(db, id, label, now());
    logger.info('balance result processed', { resultId: id, checkId: incoming.checkId, outcome: label });
  }

  async function get(scope: Scope, id: string): Promise<BalanceCheckRow> {
    const row = await db.first(
      db.qb
        .selectFrom('BalanceCheck')
        .selectAll()
        .where('id', '=', id)
        .where('projectId', '=', scope.projectId)
        .where('mode', '=', scope.mode),
    );
    if (!row)
      throw new AppError('balance_check_not_found', `No balance check ${id} in this project and mode`);
    return row;
  }

  /** The latest check of each account, and how much the payouts waiting to go will take. */
  async function overview(scope: Scope) {
    const rows = await db.all(
      db.qb
        .selectFrom('BalanceCheck')
        .selectAll()
        .where('projectId', '=', scope.projectId)
        .where('mode', '=', scope.mode)
        .orderBy('id', 'desc')
        .limit(200),
    );
    const latest = new Map<string, BalanceCheckRow>();
    for (const row of rows) if (!latest.has(row.shortcode)) latest.set(row.shortcode, row);
    const waiting = await db.first(
      db.qb
        .selectFrom('Payout')
        .select((eb) => [eb.fn.countAll<number>().as('count'), eb.fn.sum<number>('amount').as('amount')])
        .where('projectId', '=', scope.projectId)
        .where('mode', '=', scope.mode)
        .where('status', 'in', WAITING_PAYOUTS),
    );
    return {
      checks: [...latest.values()],
      waitingPayouts: { count: Number(waiting?.count ?? 0), amount: Number(waiting?.amount ?? 0) },
    };
  }

  return { ask, receive, get, overview };
}

/** The Utility account of a check's balances; undefined when it has none (yet). */
export function utilityOf(balances: readonly NamedBalance[]): NamedBalance | undefined {
  return balances.find((balance) => /^utility account$/i.test(balance.name));
}

export function createBalanceResultRoutes({
  balances,
  ...door
}: { balances: BalancesService } & Omit<
  ResultRouterDeps<(typeof RESULT_KINDS)[number]>,
  'subject' | 'kinds' | 'receive'
>): Router {
  return createResultRouter({
    ...door,
    subject: 'balance',
    kinds: RESULT_KINDS,
    receive: ({ id, ...arrived }) => balances.receive({ checkId: id, ...arrived }),
  });
}
