// Catch-up with Pull Transactions (issue 19 item 6). Safaricom never sends a confirmation twice
// (docs/daraja.md §7); an account registered for Pull can ask Daraja for its C2B payments of a
// window, and what never arrived is filled in:
//
//   take the account's lease -> ask the window page by page (OffSetValue) -> drop the receipts
//   already held -> each other row becomes a payment on the ledger (payments/c2b.receive.ts,
//   `c2b.via: "pull"`, its row kept like a confirmation) -> give the lease back with the outcome
//
// Several instances: the lease (one compare-and-set on C2bSetting) lets one instance pull an
// account's window at a time, and the ledger's unique receipt (c2bTransId) makes a row filled
// twice (a lease that expired mid-pull) one payment anyway. A receipt already held (its
// confirmation or its STK callback came) is never touched: a pull only adds what is missing.
import { randomUUID } from 'node:crypto';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Scope } from '../core/scope';
import { C2B_CALLBACK_PATH } from '../core/c2b-path';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import type { PulledRow } from '../mpesa/mpesa.pull';
import type { C2bAccount, ReceiveC2b } from '../payments/c2b.receive';
import type { NewCallbackRecord } from '../payments/callback.repository';
import { normalizeKenyanPhone } from '../payments/phone';
import { findC2bSetting, updateC2bSetting, type C2bSettingRow } from './c2b.repository';
import { paymentOfPulledRow, pullDate } from './c2b.pull-rows';
import {
  claimPullLease,
  heldReceipts,
  listDuePulls,
  releasePullLease,
  renewPullLease,
} from './c2b.pull-repository';
import type { C2bAccountPort, C2bTarget } from './c2b.settings';

/** A lease outlives a slow page; renewed after each. */
const LEASE_MS = 5 * 60_000;
/** A pull stops here whatever Daraja answers (an offset it ignores would page forever). */
const MAX_PAGES = 200;
/** Accounts pulled per tick of the worker, one after the other. */
const DUE_BATCH = 20;
/** Retry-After of a "pull now" while another pull runs. */
const IN_PROGRESS_RETRY_SECONDS = 30;
/** Where the pulled row's record says it came from (it has no address: we asked for it). */
const PULL_SOURCE = 'daraja-pull';

export interface PullOutcome {
  accountId: string;
  window: { from: string; to: string };
  /** Query calls made (the last one answered the empty page). */
  pages: number;
  rows: number;
  /** Payments made (or open requests settled) from rows whose confirmation never arrived. */
  filled: number;
  /** Rows whose receipt a payment already held. */
  alreadyHeld: number;
  /** Rows that cannot be a payment (no receipt, an amount that is not one). */
  unreadable: number;
  at: string;
}

interface Deps {
  db: Database;
  accounts: C2bAccountPort;
  apps: DarajaApps;
  receive: ReceiveC2b;
  /** Whose account it is and whether it takes C2B now (c2b.settings.ts). */
  target(accountId: string, token: string | null): Promise<C2bTarget>;
  callbackBaseUrl: string;
  intervalMs: number;
  windowMs: number;
  logger: Logger;
  now?: () => Date;
}

export type C2bPull = ReturnType<typeof createC2bPull>;

export function createC2bPull(deps: Deps) {
  const { db, logger } = deps;
  const now = deps.now ?? (() => new Date());
  // This process's name on the leases it takes.
  const owner = `pull_${randomUUID()}`;

  async function clientOf(scope: Scope, accountId: string) {
    const account = await deps.accounts.forPayment(scope, accountId);
    const client = deps.apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        {
          reason: 'simulator_disabled',
        },
      );
    return { client, shortcode: account.shortcode };
  }

  /** Registers the account's shortcode for Pull with Daraja, then keeps the opt-in. */
  async function enable(scope: Scope, accountId: string, nominatedNumber: string): Promise<C2bSettingRow> {
    const { client, shortcode } = await clientOf(scope, accountId);
    const setting = await findC2bSetting(db, accountId);
    if (!setting?.enabled)
      throw new AppError(
        'c2b_not_enabled',
        'Switch C2B on for this account first: Pull fills its confirmations',
      );
    const number = normalizeKenyanPhone(nominatedNumber) ?? nominatedNumber;
    await client.registerPull({
      shortcode,
      nominatedNumber: number,
      // Daraja asks for one; nothing is documented to arrive there (the query answers the rows).
      callbackUrl: `${deps.callbackBaseUrl.replace(/\/+$/, '')}${C2B_CALLBACK_PATH}/${accountId}/pull`,
    });
    const at = now();
    return (await updateC2bSetting(db, accountId, {
      pullEnabled: true,
      pullNominatedNumber: number,
      pullRegisteredAt: at,
      updatedAt: at,
    }))!;
  }

  async function disable(scope: Scope, accountId: string): Promise<C2bSettingRow | undefined> {
    await deps.accounts.forPayment(scope, accountId);
    return updateC2bSetting(db, accountId, { pullEnabled: false, updatedAt: now() });
  }

  /** The rows of one page not held yet, each made a payment; counts what happened. */
  async function fillPage(
    account: C2bAccount,
    rows: readonly PulledRow[],
    tally: PullOutcome,
  ): Promise<void> {
    const scope: Scope = { projectId: account.projectId, mode: account.mode };
    const held = await heldReceipts(
      db,
      scope,
      rows.map((row) => row.transactionId),
    );
    for (const row of rows) {
      if (held.has(row.transactionId)) {
        tally.alreadyHeld += 1;
        continue;
      }
      const read = paymentOfPulledRow(row, account.shortcode);
      if (!read.ok) {
        tally.unreadable += 1;
        logger.warn('pulled C2B row is not a payment; skipped', {
          accountId: account.id,
          reason: read.reason,
        });
        continue;
      }
      const receivedAt = now();
      const record: NewCallbackRecord = {
        id: newId('cbk', receivedAt),
        kind: 'c2b_pull',
        accountId: account.id,
        transactionId: null,
        checkoutRequestId: null,
        sourceIp: PULL_SOURCE,
        rawBody: Buffer.from(JSON.stringify(row.raw)),
        receivedAt,
      };
      const result = await deps.receive({ account, payment: read.payment, confirmation: { record } });
      if (result.claimed && (result.label === 'received' || result.label === 'applied')) {
        tally.filled += 1;
        logger.info('c2b payment filled by pull', {
          accountId: account.id,
          transId: read.payment.transId,
          transactionId: result.row.id,
          outcome: result.label,
        });
      } else tally.alreadyHeld += 1;
      held.add(row.transactionId);
    }
  }

  /** Pulls the window of an account whose lease this process holds. */
  async function pullHeld(setting: C2bSettingRow): Promise<PullOutcome> {
    const to = now();
    const from = new Date(to.getTime() - deps.windowMs);
    const tally: PullOutcome = {
      accountId: setting.accountId,
      window: { from: from.toISOString(), to: to.toISOString() },
      pages: 0,
      rows: 0,
      filled: 0,
      alreadyHeld: 0,
      unreadable: 0,
      at: to.toISOString(),
    };
    const whose = await deps.target(setting.accountId, null);
    if (whose.kind !== 'enabled')
      throw new AppError('c2b_not_enabled', 'C2B is off for this account: nothing to pull');
    const { account } = whose;
    const { client } = await clientOf({ projectId: account.projectId, mode: account.mode }, account.id);
    const seen = new Set<string>();
    for (let offset = 0; tally.pages < MAX_PAGES;) {
      const rows = await client.pullTransactions({
        shortcode: account.shortcode,
        startDate: pullDate(from.getTime()),
        endDate: pullDate(to.getTime()),
        offset,
      });
      tally.pages += 1;
      const fresh = rows.filter((row) => !seen.has(row.transactionId));
      // Past the end, or an offset Daraja ignored (the same rows again): stop.
      if (fresh.length === 0) break;
      for (const row of fresh) seen.add(row.transactionId);
      tally.rows += fresh.length;
      await fillPage(account, fresh, tally);
      offset += rows.length;
      if (!(await renewPullLease(db, account.id, owner, new Date(now().getTime() + LEASE_MS))))
        throw new Error('the pull lease was lost (expired and taken by another instance)');
    }
    return tally;
  }

  /** Takes the lease, pulls, gives the lease back with the outcome; undefined when another holds it. */
  async function pullAccount(accountId: string): Promise<PullOutcome | undefined> {
    const claimed = await claimPullLease(db, accountId, owner, now(), LEASE_MS);
    if (!claimed) return undefined;
    try {
      const outcome = await pullHeld(claimed);
      await releasePullLease(db, accountId, owner, { at: now(), filled: outcome.filled, error: null });
      return outcome;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await releasePullLease(db, accountId, owner, { at: now(), filled: null, error: message.slice(0, 500) });
      throw error;
    }
  }

  /** "Pull now": the account's window at once, whatever the interval. */
  async function pullNow(scope: Scope, accountId: string): Promise<PullOutcome> {
    await deps.accounts.forPayment(scope, accountId);
    const setting = await findC2bSetting(db, accountId);
    if (!setting?.enabled)
      throw new AppError('c2b_not_enabled', 'C2B is off for this account: nothing to pull');
    if (!setting.pullEnabled)
      throw new AppError('c2b_not_enabled', 'Pull Transactions is off for this account: switch it on first', {
        reason: 'pull_disabled',
      });
    const outcome = await pullAccount(accountId);
    if (!outcome)
      throw new AppError(
        'c2b_pull_in_progress',
        'Another pull of this account is running; its outcome will show on the account’s C2B settings',
        undefined,
        { 'Retry-After': String(IN_PROGRESS_RETRY_SECONDS) },
      );
    return outcome;
  }

  /** The accounts due now, each pulled once; resolves with how many were pulled. */
  async function pullDue(): Promise<number> {
    const due = await listDuePulls(db, now(), deps.intervalMs, DUE_BATCH);
    let pulled = 0;
    for (const setting of due) {
      try {
        if (await pullAccount(setting.accountId)) pulled += 1;
      } catch (error) {
        logger.warn('c2b pull failed; the next interval tries again', {
          accountId: setting.accountId,
          error,
        });
      }
    }
    return pulled;
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  return {
    enable,
    disable,
    pullNow,
    pullDue,
    /** Checks for due accounts every interval (at least every minute), one tick at a time. */
    start() {
      const every = Math.min(deps.intervalMs, 60_000);
      timer = setInterval(() => {
        // A tick still pulling is left to finish; the next one picks up what is due then.
        running ??= pullDue()
          .then(() => undefined)
          .catch((error: unknown) => {
            logger.error('c2b pull tick failed', { error });
          })
          .finally(() => {
            running = undefined;
          });
      }, every);
      timer.unref();
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
