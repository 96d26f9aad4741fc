// Operator API for the vault: which master keys the stored secrets are sealed with, and moving
// them all onto the newest one after a rotation. Admin token only.
import type { Database } from '../db/database';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { Keyring, Vault } from '../security/vault';
import { reencryptAll, vaultReport } from './vault.reencrypt';
import { vaultReencryptSchema, vaultReportSchema } from './vault.schema';

export interface VaultDeps {
  database: Database;
  vault: Vault;
  keyring: Keyring;
}

const BASE = '/api/v1/vault';
const TAG = 'Vault';
const operation = defineOperation<VaultDeps>();
const reportOf = (deps: VaultDeps) => vaultReport(deps.database, deps.vault, deps.keyring.newest.id);

export const vaultApi: FeatureApi<VaultDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Operator endpoints (`Authorization: Bearer <ADMIN_TOKEN>`) for master-key rotation: every stored secret is sealed with AES-256-GCM ' +
        'under a key derived from `MASTER_KEY`. To rotate, set the new key as `MASTER_KEY` and the old one in `MASTER_KEY_PREVIOUS`, restart, ' +
        're-encrypt, and drop the old key once no secret and no pending payment needs it (README: key rotation).',
    },
  ],
  operations: [
    operation({
      method: 'get',
      path: BASE,
      operationId: 'getVault',
      tag: TAG,
      summary: 'Which master keys seal the stored secrets',
      auth: 'admin',
      responses: {
        200: { description: 'The newest key id and the secrets per key.', schema: vaultReportSchema },
      },
      handler: async ({ deps, res }) => {
        res.json(await reportOf(deps));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/reencrypt`,
      operationId: 'reencryptVault',
      audit: { action: 'vault.resealed' },
      tag: TAG,
      summary: 'Re-seal every secret with the newest master key',
      description:
        'Idempotent: values already sealed with the newest key are left alone. The service also does this at start when `MASTER_KEY_PREVIOUS` is set.',
      auth: 'admin',
      responses: {
        200: { description: 'What was re-sealed, and the keys still in use.', schema: vaultReencryptSchema },
      },
      handler: async ({ deps, res }) => {
        const resealed = await reencryptAll(deps.database, deps.vault);
        res.json({ resealed, ...(await reportOf(deps)) });
      },
    }),
  ],
};
