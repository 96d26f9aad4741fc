// Merchant API for payments. Every route here sits behind the signature check.
import { Router } from 'express';
import { scopeOf } from '../auth/merchant-auth';
import { parseOrThrow } from '../validation';
import type { Config } from '../config';
import type { Reconciler } from '../reconciliation/reconcile.service';
import type { TransactionsService } from './transaction.service';
import { toMerchantView } from './transaction.view';
import { idempotencyKeyHeader, initiateBody, listQuery, transactionIdParams } from './transaction.schema';

/** Answers a repeat with the same Idempotency-Key from its store (see merchant-auth.ts). */
export const INITIATE_PATH = '/initiate';

export function createTransactionRoutes(deps: { transactions: TransactionsService; reconciler: Reconciler; amount: Config['amount'] }): Router {
  const { transactions } = deps;
  const initiateSchema = initiateBody(deps.amount);
  const router = Router();

  router.post(INITIATE_PATH, async (req, res) => {
    const input = parseOrThrow(initiateSchema, req.body, 'body');
    const header = req.get('idempotency-key');
    const idempotencyKey = header === undefined ? undefined : parseOrThrow(idempotencyKeyHeader, header, { header: 'Idempotency-Key' });
    const result = await transactions.initiate(scopeOf(req), input, idempotencyKey);
    res.status(result.httpStatus).json(result.body);
  });

  router.get('/', async (req, res) => {
    res.json(await transactions.list(scopeOf(req), parseOrThrow(listQuery, req.query, 'query')));
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
