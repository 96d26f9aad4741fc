// Paying out to a phone (B2C) or a PayBill or till (B2B, a supplier payment), as a use case
// that reads as its own summary (one ledger, one state machine, the same guards for both):
//
//   create:  replay check -> settings -> safety checks -> account -> store (daily cap, under the
//            project's lock) -> approval wanted? wait : send once
//   approve: a dashboard user other than the one who asked -> claim and send once
//   reject:  a dashboard user other than the one who asked -> failed, nothing sent
//
// Every request, refusal, approval and rejection lands in the audit trail. The row is stored
// before Daraja is called; its id is Daraja's OriginatorConversationID (payout.send.ts).
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError, refuseOtherBody } from '../errors';
import type { Logger } from '../logger';
import type { Scope } from '../core/scope';
import { fourEyesRefusal, mayDecideIn, userActor, type Approver } from '../core/four-eyes';
import type { PayoutAccounts } from '../mpesa/mpesa.account';
import { auditRow, listAudit, recordAudit, type AuditEntry } from '../payments/payout.audit';
import {
  committedSince,
  findPayout,
  findPayoutByIdempotencyKey,
  findProjectPayout,
  listPayoutChanges,
  listPayoutResults,
  listPayouts,
  type NewPayout,
  type PayoutRow,
} from '../payments/payout.repository';
import type { CreatePayoutInput, PayoutListQuery } from '../payments/payout.schema';
import type { PayoutLedger } from '../payments/payout.settle';
import { PAYOUT_REASONS } from '../payments/payout.states';
import { REJECTED_REASON, toPayoutHistory, toPayoutView } from '../payments/payout.view';
import {
  requireAllowedSource,
  requireEnabled,
  requirePayoutAccount,
  requireUnderDailyCap,
  requireUnderPayoutCap,
} from './payout.guard';
import { hashOf, newPayout, writeNewPayout } from './payout.new';
import type { PayoutSender } from './payout.send';
import { needsApproval, readSettings, startOfEatDay, writeSettings, type Settings } from './payout.settings';
import { toSettingsView, type SettingsInput } from './payout.settings.schema';

/** Who asks: a signed request (its key) or a dashboard session (its user), and from where. */
export interface Requester {
  actor: string;
  /** Set for a dashboard session: the user who may not approve their own payout. */
  userId: string | null;
  sourceIp: string | undefined;
}

export type { Approver };

interface Deps {
  db: Database;
  ledger: PayoutLedger;
  sender: PayoutSender;
  accounts: PayoutAccounts;
  /** Whether a project exists (the operator's settings routes name one). */
  projectExists(id: string): Promise<boolean>;
  logger: Logger;
  now?: () => Date;
}

export type PayoutsService = ReturnType<typeof createPayoutsService>;

export function createPayoutsService(deps: Deps) {
  const { db, ledger, sender, logger } = deps;
  const now = deps.now ?? (() => new Date());

  /** Records a refusal in the audit trail, then throws it. */
  async function refuse(
    scope: Scope,
    requester: Requester,
    error: AppError,
    input: CreatePayoutInput,
  ): Promise<never> {
    await recordAudit(db, {
      scope,
      action: 'payout.refused',
      actor: requester.actor,
      outcome: 'refused',
      code: error.code,
      detail: { amount: input.amount, ...(error.details?.cap ? { cap: error.details.cap } : {}) },
    }).catch((auditError: unknown) => logger.error('payout refusal not audited', { error: auditError }));
    throw error;
  }

  async function create(
    scope: Scope,
    requester: Requester,
    input: CreatePayoutInput,
    idempotencyKey?: string,
  ): Promise<PayoutRow> {
    const requestHash = idempotencyKey ? hashOf(input) : null;
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash!);
      if (replayed) return replayed;
    }
    const settings = await readSettings(db, scope);
    let account;
    try {
      requireEnabled(scope, settings);
      if (!requester.userId) requireAllowedSource(settings, requester.sourceIp);
      requireUnderPayoutCap(settings, input.amount);
      account = await deps.accounts.forPayout(scope, input.account);
      requirePayoutAccount(scope, account);
      await sender.prepare(account);
    } catch (error) {
      if (error instanceof AppError) return refuse(scope, requester, error, input);
      throw error;
    }
    let row: PayoutRow;
    try {
      row = await store(scope, requester, input, settings, account, idempotencyKey, requestHash);
    } catch (error) {
      // Two requests with one key at once: the loser answers what the winner stored.
      if (idempotencyKey && isUniqueViolation(error))
        return (await replay(scope, idempotencyKey, requestHash!))!;
      if (error instanceof AppError) return refuse(scope, requester, error, input);
      throw error;
    }
    if (row.status === 'awaiting_approval') return row;
    return (await sender.send(row, ['requested'], { source: 'send', actor: null })).row;
  }

  /** Stores the payout (and its first changes, and the audit entry) with the daily cap checked under the lock. */
  async function store(
    scope: Scope,
    requester: Requester,
    input: CreatePayoutInput,
    settings: Settings,
    account: { id: string | null; shortcode: string },
    idempotencyKey: string | undefined,
    requestHash: string | null,
  ): Promise<PayoutRow> {
    const at = now();
    return db.transaction(async (tx) => {
      const locked = await readSettings(tx, scope, true);
      requireEnabled(scope, locked);
      requireUnderDailyCap(locked, input.amount, await committedSince(tx, scope, startOfEatDay(at)));
      const approval = needsApproval(locked, input.amount);
      const row = newPayout(scope, requester.actor, input, account, approval, at, {
        idempotencyKey: idempotencyKey ?? null,
        requestHash,
      });
      await writeNewPayout(
        tx,
        scope,
        row,
        requester.actor,
        approval,
        { amount: input.amount, approvalRequired: approval, policy: settings.approval },
        at,
      );
      return row;
    });
  }

  /** A repeat with the same key answers the payout the first made; another body is refused. */
  async function replay(
    scope: Scope,
    idempotencyKey: string,
    requestHash: string,
  ): Promise<PayoutRow | undefined> {
    const existing = await findPayoutByIdempotencyKey(db, scope, idempotencyKey);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { payoutId: existing.id });
    return existing;
  }

  async function find(scope: Scope, id: string): Promise<PayoutRow> {
    const row = await findProjectPayout(db, scope, id);
    if (!row) throw new AppError('payout_not_found', `No payout ${id} in this project and mode`);
    return row;
  }

  /** The payout an approver decides on: one of a project it may see (the same answer for "not yours"). */
  async function decidable(id: string, approver: Approver): Promise<{ scope: Scope; row: PayoutRow }> {
    const row = await findPayout(db, id);
    const visible = row && mayDecideIn(approver, row.projectId);
    if (!row || !visible) throw new AppError('payout_not_found', `No payout ${id} in a project you may see`);
    return { scope: { projectId: row.projectId, mode: row.mode as Scope['mode'] }, row };
  }

  /** Four eyes: a dashboard user other than the requester; in live mode an operator. */
  async function checkApprover(scope: Scope, row: PayoutRow, approver: Approver, action: string) {
    const refusal = fourEyesRefusal(row.requestedBy, approver, scope.mode, action, 'payout');
    if (!refusal) return;
    await recordAudit(db, {
      scope,
      action: 'payout.approval_refused',
      actor: userActor(approver.userId),
      outcome: 'refused',
      payoutId: row.id,
      code: 'payout_approval_forbidden',
      detail: { reason: refusal.reason, attempted: action },
    });
    throw new AppError('payout_approval_forbidden', refusal.message, { reason: refusal.reason });
  }

  function notAwaiting(row: PayoutRow): AppError {
    // A row of a batch is decided with its batch, once (payout-batch.service.ts).
    const message = row.batchId
      ? `Payout ${row.id} is a row of batch ${row.batchId}: approve or reject the batch`
      : `Payout ${row.id} is ${row.status}, not awaiting approval`;
    return new AppError('payout_not_awaiting_approval', message, {
      status: row.status,
      ...(row.batchId ? { batchId: row.batchId } : {}),
    });
  }

  async function approve(id: string, approver: Approver, note?: string): Promise<PayoutRow> {
    const { scope, row } = await decidable(id, approver);
    await checkApprover(scope, row, approver, 'approve');
    if (row.status !== 'awaiting_approval' || row.batchId) throw notAwaiting(row);
    const actor = userActor(approver.userId);
    const at = now();
    const sent = await sender.send(
      row,
      ['awaiting_approval'],
      { source: 'approval', actor, patch: { decidedBy: actor, decidedAt: at } },
      {
        scope,
        action: 'payout.approved',
        actor,
        outcome: 'allowed',
        payoutId: id,
        detail: { amount: row.amount, ...(note ? { note } : {}) },
      },
    );
    // Another approval (or a rejection) won the compare-and-set: this one sent nothing.
    if (!sent.claimed) throw notAwaiting(sent.row);
    return sent.row;
  }

  async function reject(id: string, approver: Approver, note?: string): Promise<PayoutRow> {
    const { scope, row } = await decidable(id, approver);
    await checkApprover(scope, row, approver, 'reject');
    if (row.batchId) throw notAwaiting(row);
    const actor = userActor(approver.userId);
    const audit: AuditEntry = {
      scope,
      action: 'payout.rejected',
      actor,
      outcome: 'allowed',
      payoutId: id,
      detail: { amount: row.amount, ...(note ? { note } : {}) },
    };
    const moved = await ledger.move(
      id,
      ['awaiting_approval'],
      {
        to: 'failed',
        source: 'rejected',
        actor,
        patch: {
          decidedBy: actor,
          decidedAt: now(),
          reasonCode: REJECTED_REASON,
          reasonMessage: PAYOUT_REASONS.rejected.message,
        },
      },
      audit,
    );
    if (!moved.moved) throw notAwaiting(moved.row ?? row);
    return moved.row!;
  }

  async function list(scope: Scope, query: PayoutListQuery) {
    const rows = await listPayouts(db, scope, {
      status: query.status,
      phone: query.phone,
      channel: query.channel,
      before: query.cursor,
      limit: query.limit + 1,
    });
    const page = rows.slice(0, query.limit);
    return {
      data: page.map(toPayoutView),
      nextCursor: rows.length > query.limit ? page[page.length - 1]!.id : null,
    };
  }

  async function history(scope: Scope, id: string) {
    await find(scope, id);
    const [changes, results] = await Promise.all([listPayoutChanges(db, id), listPayoutResults(db, id)]);
    return toPayoutHistory(changes, results);
  }

  async function settingsOf(scope: Scope) {
    const settings = await readSettings(db, scope);
    return toSettingsView(scope.mode, settings, await committedSince(db, scope, startOfEatDay(now())));
  }

  async function requireProject(scope: Scope): Promise<void> {
    if (!(await deps.projectExists(scope.projectId)))
      throw new AppError('project_not_found', `No project ${scope.projectId}`);
  }

  async function updateSettings(scope: Scope, input: SettingsInput, by: string) {
    await requireProject(scope);
    const at = now();
    const settings = {
      enabled: input.enabled,
      perPayoutMax: input.perPayoutMax,
      dailyMax: input.dailyMax,
      approval: input.approval,
      approvalAbove: input.approval === 'above' ? (input.approvalAbove ?? null) : null,
      allowedIps: input.allowedIps ?? null,
    };
    await db.transaction(async (tx) => {
      await writeSettings(tx, scope, settings, by, at);
      await tx.run(
        tx.qb
          .insertInto('PayoutAudit')
          .values(
            auditRow(
              { scope, action: 'settings.changed', actor: by, outcome: 'allowed', detail: settings },
              at,
            ),
          ),
      );
    });
    return settingsOf(scope);
  }

  return {
    create,
    approve,
    reject,
    get: async (scope: Scope, id: string) => toPayoutView(await find(scope, id)),
    list,
    history,
    audit: (scope: Scope, filters: { payoutId?: string; before?: string; limit: number }) =>
      listAudit(db, scope, filters),
    settingsOf,
    projectSettingsOf: async (scope: Scope) => {
      await requireProject(scope);
      return settingsOf(scope);
    },
    updateSettings,
  };
}
