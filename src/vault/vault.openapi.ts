// The vault's operator API in the OpenAPI document (routes: vault.routes.ts).
import type { ApiSection } from '../core/openapi.types';
import { vaultReencryptSchema, vaultReportSchema } from './vault.schema';

const BASE = '/api/v1/vault';
const TAG = 'Vault';

export const vaultApi: ApiSection = {
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
    {
      method: 'get',
      path: BASE,
      operationId: 'getVault',
      tag: TAG,
      summary: 'Which master keys seal the stored secrets',
      auth: 'admin',
      responses: {
        200: { description: 'The newest key id and the secrets per key.', schema: vaultReportSchema },
      },
    },
    {
      method: 'post',
      path: `${BASE}/reencrypt`,
      operationId: 'reencryptVault',
      tag: TAG,
      summary: 'Re-seal every secret with the newest master key',
      description:
        'Idempotent: values already sealed with the newest key are left alone. The service also does this at start when `MASTER_KEY_PREVIOUS` is set.',
      auth: 'admin',
      responses: {
        200: { description: 'What was re-sealed, and the keys still in use.', schema: vaultReencryptSchema },
      },
    },
  ],
};
