// Operator API for the vault: which master keys the stored secrets are sealed with, and moving
// them all onto the newest one after a rotation. Admin token only.
import { Router, type RequestHandler } from 'express';
import type { Database } from '../db/database';
import { reencryptAll, vaultReport } from './vault.reencrypt';
import type { Keyring, Vault } from '../security/vault';

export function createVaultRoutes(deps: {
  db: Database;
  vault: Vault;
  keyring: Keyring;
  adminAuth: RequestHandler;
}): Router {
  const router = Router();
  const report = () => vaultReport(deps.db, deps.vault, deps.keyring.newest.id);
  router.get('/', deps.adminAuth, async (_req, res) => {
    res.json(await report());
  });
  router.post('/reencrypt', deps.adminAuth, async (_req, res) => {
    const resealed = await reencryptAll(deps.db, deps.vault);
    res.json({ resealed, ...(await report()) });
  });
  return router;
}
