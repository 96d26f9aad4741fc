// Merchant API for the project's M-Pesa accounts, behind the signature check: a test key
// manages simulator and sandbox accounts, a live key production ones.
import { Router } from 'express';
import { scopeOf } from '../core/scope';
import { parseOrThrow } from '../validation';
import type { AccountsService } from './account.service';
import { accountIdParams, createAccountBody, updateAccountBody } from './account.schema';

export function createAccountRoutes(accounts: AccountsService): Router {
  const router = Router();
  const idOf = (params: unknown) => parseOrThrow(accountIdParams, params, 'path').id;

  router.post('/', async (req, res) => {
    res
      .status(201)
      .json(await accounts.create(scopeOf(req), parseOrThrow(createAccountBody, req.body, 'body')));
  });
  router.get('/', async (req, res) => {
    res.json(await accounts.list(scopeOf(req)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await accounts.get(scopeOf(req), idOf(req.params)));
  });
  router.patch('/:id', async (req, res) => {
    res.json(
      await accounts.update(
        scopeOf(req),
        idOf(req.params),
        parseOrThrow(updateAccountBody, req.body, 'body'),
      ),
    );
  });
  router.delete('/:id', async (req, res) => {
    await accounts.remove(scopeOf(req), idOf(req.params));
    res.status(204).end();
  });
  return router;
}
