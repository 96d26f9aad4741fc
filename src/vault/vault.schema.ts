import { z } from 'zod';

const keysInUse = z.record(z.string(), z.number().int()).meta({
  description:
    'Stored secrets per master key id (`v1`: sealed before key ids existed). When only the newest remains, older keys may be removed from `MASTER_KEY_PREVIOUS`.',
  examples: [{ '3f9a1c02': 12 }],
});

export const vaultReportSchema = z
  .object({
    newestKeyId: z.string().meta({
      description: 'The id of `MASTER_KEY`: 8 hex characters of its SHA-256.',
      examples: ['3f9a1c02'],
    }),
    keysInUse,
  })
  .meta({ id: 'VaultReport' });

export const vaultReencryptSchema = z
  .object({
    resealed: z
      .record(z.string(), z.number().int())
      .meta({ description: 'Values re-sealed, per table.column.', examples: [{ 'ApiKey.secretKeyEnc': 4 }] }),
    newestKeyId: z.string(),
    keysInUse,
  })
  .meta({ id: 'VaultReencryptResult' });
