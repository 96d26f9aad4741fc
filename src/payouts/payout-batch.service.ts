// A batch of payouts as a use case that reads as its own summary (docs/payouts.md "Batches"):
//
//   create:  replay check -> settings -> every row checked (one bad row refuses the batch whole,
//            naming each bad row's line and field) -> account -> store the batch and its rows as
//            ordinary payouts (daily cap on the total, under the project's lock) -> awaiting
//            approval, or sending
//   approve: a dashboard user other than the one who asked (four eyes) -> sending
//   reject:  the same rule -> rejected, every row failed, nothing sent
//
// Nothing is sent here: the worker (payout-batch.worker.ts) sends the rows at the configured
// pace through the one send of a payout (payout.send.ts), so each goes to Daraja at most once.
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError, refuseOtherBody } from '../errors';
import { newId } from '../ids';
import type { Logger } from '../logger';
import type { Scope } from '../core/scope';
import { fourEyesRefusal, mayDecideIn, userActor, type Approver } from '../core/four-eyes';
import type { PayoutAccounts } from '../mpesa/mpesa.account';
import { recordAudit } from '../payments/payout.audit';
import { committedSince } from '../payments/payout.repository';
import type { PayoutLedger } from '../payments/payout.settle';
import { PAYOUT_REASONS } from '../payments/payout.states';
import { REJECTED_REASON } from '../payments/payout.view';
import {
  requireAllowedSource,
  requireEnabled,
  requirePayoutAccount,
  requireUnderDailyCap,
} from './payout.guard';
import { hashOf, newPayout, writeNewPayout } from './payout.new';
import type { PayoutSender } from './payout.send';
import type { Requester } from './payout.service';
import { needsApproval, readSettings, startOfEatDay } from './payout.settings';
import {
  batchRows,
  countsOf,
  findBatch,
  findBatchByIdempotencyKey,
  findProjectBatch,
  insertBatch,
  listBatches,
  moveBatch,
  type PayoutBatchRow,
} from './payout-batch.repository';
import { checkRows, judgeRows, requireBatchSize, rowsOfCsv, type BatchRow } from './payout-batch.rows';
import { outcomeCsv } from './payout-batch.export';
import { toBatchRowView, toBatchView, type CreateBatchInput } from './payout-batch.schema';

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  sender: PayoutSender;
  accounts: PayoutAccounts;
  logger: Logger;
  now?: () => Date;
}

export type PayoutBatchesService = ReturnType<typeof createPayoutBatchesService>;

export function createPayoutBatchesService(deps: Deps) {
  const { db, ledger, logger } = deps;
  const now = deps.now ?? (() => new Date());

  async function view(row: PayoutBatchRow) {
    const [counts, rows] = await Promise.all([countsOf(db, row.id), batchRows(db, row.id)]);
    return { batch: toBatchView(row, counts), rows: rows.map(toBatchRowView) };
  }

  /** Records a refusal of the whole batch in the audit trail, then throws it. */
  async function refuse(
    scope: Scope,
    requester: Requester,
    error: AppError,
    total: number | null,
  ): Promise<never> {
    await recordAudit(db, {
      scope,
      action: 'payout.refused',
      actor: requester.actor,
      outcome: 'refused',
      code: error.code,
      detail: { batch: true, ...(total === null ? {} : { amount: total }) },
    }).catch((auditError: unknown) =>
      logger.error('payout batch refusal not audited', { error: auditError }),
    );
    throw error;
  }

  async function create(scope: Scope, requester: Requester, body: CreateBatchInput, idempotencyKey?: string) {
    const requestHash = idempotencyKey ? hashOf(body) : null;
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash!);
      if (replayed) return view(replayed);
    }
    const settings = await readSettings(db, scope);
    let rows: BatchRow[];
    let account;
    try {
      requireEnabled(scope, settings);
      if (!requester.userId) requireAllowedSource(settings, requester.sourceIp);
      rows = checkRows(rawRowsOf(body), settings.perPayoutMax);
      account = await deps.accounts.forPayout(scope, body.account);
      requirePayoutAccount(scope, account);
      await deps.sender.prepare(account);
    } catch (error) {
      if (error instanceof AppError) return refuse(scope, requester, error, null);
      throw error;
    }
    const total = rows.reduce((sum, row) => sum + row.input.amount, 0);
    try {
      return view(await store(scope, requester, rows, total, account, idempotencyKey, requestHash));
    } catch (error) {
      if (idempotencyKey && isUniqueViolation(error))
        return view((await replay(scope, idempotencyKey, requestHash!))!);
      if (error instanceof AppError) return refuse(scope, requester, error, total);
      throw error;
    }
  }

  /** The batch and its rows in one transaction, the daily cap checked on the total under the project's lock. */
  async function store(
    scope: Scope,
    requester: Requester,
    rows: readonly BatchRow[],
    total: number,
    account: { id: string | null; shortcode: string },
    idempotencyKey: string | undefined,
    requestHash: string | null,
  ): Promise<PayoutBatchRow> {
    const at = now();
    return db.transaction(async (tx) => {
      const locked = await readSettings(tx, scope, true);
      requireEnabled(scope, locked);
      requireUnderDailyCap(locked, total, await committedSince(tx, scope, startOfEatDay(at)));
      // One approval for the batch: wanted when the policy would want one for any of its rows.
      const approval = rows.some((row) => needsApproval(locked, row.input.amount));
      const batch: PayoutBatchRow = {
        id: newId('pob', at),
        projectId: scope.projectId,
        mode: scope.mode,
        status: approval ? 'awaiting_approval' : 'sending',
        rowCount: rows.length,
        total,
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
        requestedBy: requester.actor,
        approvalRequired: approval,
        decidedBy: null,
        decidedAt: null,
        nextSendAt: null,
        sendFailures: 0,
        createdAt: at,
        updatedAt: at,
        completedAt: null,
      };
      await insertBatch(tx, batch);
      for (const { line, input } of rows) {
        const row = newPayout(scope, requester.actor, input, account, approval, at, {
          batchId: batch.id,
          batchLine: line,
        });
        await writeNewPayout(
          tx,
          scope,
          row,
          requester.actor,
          approval,
          { amount: input.amount, approvalRequired: approval, policy: locked.approval, batchId: batch.id },
          at,
        );
      }
      return batch;
    });
  }

  async function replay(scope: Scope, key: string, requestHash: string): Promise<PayoutBatchRow | undefined> {
    const existing = await findBatchByIdempotencyKey(db, scope, key);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { batchId: existing.id });
    return existing;
  }

  async function find(scope: Scope, id: string): Promise<PayoutBatchRow> {
    const row = await findProjectBatch(db, scope, id);
    if (!row) throw new AppError('payout_batch_not_found', `No payout batch ${id} in this project and mode`);
    return row;
  }

  /** The batch an approver decides on, four eyes checked (a refusal is audited). */
  async function decidable(id: string, approver: Approver, action: 'approve' | 'reject') {
    const row = await findBatch(db, id);
    if (!row || !mayDecideIn(approver, row.projectId))
      throw new AppError('payout_batch_not_found', `No payout batch ${id} in a project you may see`);
    const scope: Scope = { projectId: row.projectId, mode: row.mode as Scope['mode'] };
    const refusal = fourEyesRefusal(row.requestedBy, approver, scope.mode, action, 'payout batch');
    if (refusal) {
      await recordAudit(db, {
        scope,
        action: 'payout.approval_refused',
        actor: userActor(approver.userId),
        outcome: 'refused',
        code: 'payout_approval_forbidden',
        detail: { reason: refusal.reason, attempted: action, batchId: id },
      });
      throw new AppError('payout_approval_forbidden', refusal.message, { reason: refusal.reason });
    }
    return { scope, row };
  }

  const notAwaiting = (row: PayoutBatchRow) =>
    new AppError(
      'payout_batch_not_awaiting_approval',
      `Payout batch ${row.id} is ${row.status}, not awaiting approval`,
      {
        status: row.status,
      },
    );

  async function decide(id: string, approver: Approver, decision: 'approve' | 'reject', note?: string) {
    const { scope, row } = await decidable(id, approver, decision);
    if (row.status !== 'awaiting_approval') throw notAwaiting(row);
    const actor = userActor(approver.userId);
    const at = now();
    const audit = {
      scope,
      action: decision === 'approve' ? ('payout.approved' as const) : ('payout.rejected' as const),
      actor,
      outcome: 'allowed' as const,
      detail: { batchId: id, amount: row.total, rows: row.rowCount, ...(note ? { note } : {}) },
    };
    // The compare-and-set: of two decisions at once, one moves the batch, the other is told.
    const moved =
      decision === 'approve'
        ? await moveBatch(db, id, 'awaiting_approval', {
            status: 'sending',
            decidedBy: actor,
            decidedAt: at,
            updatedAt: at,
          })
        : await reject(id, actor, at, audit);
    if (!moved) throw notAwaiting((await findBatch(db, id))!);
    if (decision === 'approve') await recordAudit(db, audit);
    return view((await findBatch(db, id))!);
  }

  /**
   * The batch rejected and every row failed (`approval_rejected`, none sent) in one transaction:
   * a crash never leaves unsent rows waiting under a rejected batch. Whether it was still awaiting.
   */
  function reject(id: string, actor: string, at: Date, audit: Parameters<typeof recordAudit>[1]) {
    return ledger.moveAll(
      async (tx) => {
        const moved = await moveBatch(tx, id, 'awaiting_approval', {
          status: 'rejected',
          decidedBy: actor,
          decidedAt: at,
          updatedAt: at,
          completedAt: at,
        });
        if (!moved) return undefined;
        await recordAudit(tx, audit, at);
        return (await batchRows(tx, id)).map((row) => row.id);
      },
      ['awaiting_approval'],
      {
        to: 'failed',
        source: 'rejected',
        actor,
        patch: {
          decidedBy: actor,
          decidedAt: at,
          reasonCode: REJECTED_REASON,
          reasonMessage: PAYOUT_REASONS.rejected.message,
        },
      },
    );
  }

  async function list(scope: Scope, cursor: string | undefined, limit = 20) {
    const rows = await listBatches(db, scope, cursor, limit + 1);
    const page = rows.slice(0, limit);
    const data = await Promise.all(page.map(async (row) => toBatchView(row, await countsOf(db, row.id))));
    return { data, nextCursor: rows.length > limit ? page[page.length - 1]!.id : null };
  }

  /** The outcome as CSV, a line per row, by line. */
  async function exportCsv(scope: Scope, id: string): Promise<string> {
    return outcomeCsv(await batchRows(db, (await find(scope, id)).id));
  }

  /**
   * What a batch would be, stored nowhere: every row as read, with what is wrong with it (the
   * dashboard's preview before it submits). A CSV that cannot be read at all is refused as on create.
   */
  async function preview(scope: Scope, body: CreateBatchInput) {
    const settings = await readSettings(db, scope);
    const raw = rawRowsOf(body);
    requireBatchSize(raw);
    const rows = judgeRows(raw, settings.perPayoutMax).map(({ line, value, input, fields }) => ({
      line,
      payout: (input ?? null) as Record<string, unknown> | null,
      given: input ? null : (value as Record<string, unknown> | null),
      errors: fields,
    }));
    const good = rows.filter((row) => row.errors.length === 0);
    return {
      rows,
      rowCount: rows.length,
      badRows: rows.length - good.length,
      total: good.reduce((sum, row) => sum + Number(row.payout!.amount), 0),
      approvalRequired: good.some((row) => needsApproval(settings, Number(row.payout!.amount))),
    };
  }

  return {
    create,
    preview,
    approve: (id: string, approver: Approver, note?: string) => decide(id, approver, 'approve', note),
    reject: (id: string, approver: Approver, note?: string) => decide(id, approver, 'reject', note),
    get: async (scope: Scope, id: string) => view(await find(scope, id)),
    list,
    exportCsv,
  };
}

/** The batch's rows as given, each with its line: the CSV's lines, or places in `rows` from 1. */
function rawRowsOf(body: CreateBatchInput): { line: number; value: unknown }[] {
  return body.csv !== undefined
    ? rowsOfCsv(body.csv)
    : body.rows!.map((value, i) => ({ line: i + 1, value }));
}
