// Merchant API for payments. Every route here sits behind the signature check.
import { AppError } from '../errors';
import { Router } from 'express';
import { scopeOf, type Scope } from '../core/scope';
import { parseOrThrow } from '../validation';
import type { Config } from '../config';
import type { TransactionsService } from './transaction.service';
import { toMerchantView } from '../payments/transaction.view';
import {
  exportQuery,
  idempotencyKeyHeader,
  initiateBody,
  listQuery,
  transactionIdParams,
  type ReconcileOutcome,
} from '../payments/transaction.schema';
import type { TransactionRow } from '../payments/transaction.repository';
import type { Queryable } from '../db/database';
import { streamTransactionsCsv } from './transaction.export';
import { paymentHistory } from '../payments/transaction.history';

/** Answers a repeat with the same Idempotency-Key from its store (see merchant-auth.ts). */
export const INITIATE_PATH = '/initiate';
/** A refused export is told to come back after about one export of a large set. */
const EXPORT_RETRY_AFTER_SECONDS = 30;

/** Reconcile one payment now: the reconciliation feature's, passed in by composition (app.ts). */
export interface ReconcileNow {
  reconcileNow(scope: Scope, id: string): Promise<{ row: TransactionRow; outcome: ReconcileOutcome }>;
}

export function createTransactionRoutes(deps: {
  transactions: TransactionsService;
  reconciler: ReconcileNow;
  amount: Config['amount'];
  db: Queryable;
  /** CSV exports running at once in this process (EXPORT_CONCURRENCY); more are refused with 503. */
  exportConcurrency: number;
}): Router {
  const { transactions } = deps;
  const initiateSchema = initiateBody(deps.amount);
  const router = Router();
  let exportsRunning = 0;

  router.post(INITIATE_PATH, async (req, res) => {
    const input = parseOrThrow(initiateSchema, req.body, 'body');
    const header = req.get('idempotency-key');
    const idempotencyKey =
      header === undefined
        ? undefined
        : parseOrThrow(idempotencyKeyHeader, header, { header: 'Idempotency-Key' });
    const result = await transactions.initiate(scopeOf(req), input, idempotencyKey);
    res.status(result.httpStatus).json(result.body);
  });

  router.get('/', async (req, res) => {
    res.json(await transactions.list(scopeOf(req), parseOrThrow(listQuery, req.query, 'query')));
  });

  // Before /:id, which would take "export" for an id.
  router.get('/export', async (req, res) => {
    const query = parseOrThrow(exportQuery, req.query, 'query');
    const scope = scopeOf(req);
    // Counted in this process: with several instances each runs its own EXPORT_CONCURRENCY.
    if (exportsRunning >= deps.exportConcurrency)
      throw new AppError(
        'service_unavailable',
        `${deps.exportConcurrency} exports are already running; retry after Retry-After`,
        { limit: deps.exportConcurrency },
        { 'Retry-After': String(EXPORT_RETRY_AFTER_SECONDS) },
      );
    exportsRunning += 1;
    res.once('close', () => (exportsRunning -= 1));
    res.status(200).type('text/csv; charset=utf-8');
    res.set('Content-Disposition', `attachment; filename="payments-${scope.projectId}-${scope.mode}.csv"`);
    res.set('Cache-Control', 'no-store');
    const { receipt, ...filters } = query;
    await streamTransactionsCsv(deps.db, scope, { ...filters, mpesaReceiptNumber: receipt }, res);
    res.end();
  });

  router.get('/:id/history', async (req, res) => {
    const { id } = parseOrThrow(transactionIdParams, req.params, 'path');
    res.json(await paymentHistory(deps.db, scopeOf(req), id));
  });

  router.get('/:id', async (req, res) => {
    const { id } = parseOrThrow(transactionIdParams, req.params, 'path');
    res.json({ transaction: await transactions.get(scopeOf(req), id) });
  });

  // Ask M-Pesa now (STK Query) instead of waiting for the callback or the worker.
  router.post('/:id/reconcile', async (req, res) => {
    const { id } = parseOrThrow(transactionIdParams, req.params, 'path');
    const { row, outcome } = await deps.reconciler.reconcileNow(scopeOf(req), id);
    res.json({ transaction: toMerchantView(row), reconciliation: { outcome } });
  });

  return router;
}
