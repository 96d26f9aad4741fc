// Moves every sealed value onto the newest master key (and the current format, with associated
// data), after MASTER_KEY was rotated. This file is the vault's inventory: every column that
// holds a sealed value, and what each was sealed for. A value is replaced only if it is still
// the one that was read (compare-and-set), so a secret rotated meanwhile is never overwritten.
import type { Database } from '../db/database';
import type { Mode } from '../core/scope';
import { accountSealedFor, apiKeySealedFor, webhookSecretSealedFor } from '../security/sealed-for';
import type { SealedFor, Vault } from '../security/vault';

interface SealedValue {
  /** table.column, for the report. */
  where: string;
  sealed: string;
  sealedFor: SealedFor;
  /** Writes the re-sealed value if the stored one is still `from`; resolves with rows changed. */
  replace(from: string, to: string): Promise<number>;
}

async function sealedValues(db: Database): Promise<SealedValue[]> {
  const { qb } = db;
  const values: SealedValue[] = [];
  for (const key of await db.all(
    qb.selectFrom('ApiKey').select(['id', 'projectId', 'mode', 'secretKeyEnc']),
  )) {
    values.push({
      where: 'ApiKey.secretKeyEnc',
      sealed: key.secretKeyEnc,
      sealedFor: apiKeySealedFor(key.projectId, key.mode as Mode),
      replace: (from, to) =>
        db.run(
          qb
            .updateTable('ApiKey')
            .set({ secretKeyEnc: to })
            .where('id', '=', key.id)
            .where('secretKeyEnc', '=', from),
        ),
    });
  }
  for (const endpoint of await db.all(
    qb.selectFrom('WebhookEndpoint').select(['id', 'projectId', 'secretEnc', 'previousSecretEnc']),
  )) {
    const sealedFor = webhookSecretSealedFor(endpoint.projectId, endpoint.id);
    values.push({
      where: 'WebhookEndpoint.secretEnc',
      sealed: endpoint.secretEnc,
      sealedFor,
      replace: (from, to) =>
        db.run(
          qb
            .updateTable('WebhookEndpoint')
            .set({ secretEnc: to })
            .where('id', '=', endpoint.id)
            .where('secretEnc', '=', from),
        ),
    });
    if (endpoint.previousSecretEnc) {
      values.push({
        where: 'WebhookEndpoint.previousSecretEnc',
        sealed: endpoint.previousSecretEnc,
        sealedFor,
        replace: (from, to) =>
          db.run(
            qb
              .updateTable('WebhookEndpoint')
              .set({ previousSecretEnc: to })
              .where('id', '=', endpoint.id)
              .where('previousSecretEnc', '=', from),
          ),
      });
    }
  }
  const accounts = await db.all(
    qb
      .selectFrom('MpesaAccount')
      .select([
        'id',
        'projectId',
        'consumerKeyEnc',
        'consumerSecretEnc',
        'passkeyEnc',
        'initiatorCredentialEnc',
      ]),
  );
  for (const account of accounts) {
    const fields = [
      ['consumerKeyEnc', 'consumer-key'],
      ['consumerSecretEnc', 'consumer-secret'],
      ['passkeyEnc', 'passkey'],
      ['initiatorCredentialEnc', 'initiator-credential'],
    ] as const;
    for (const [column, purpose] of fields) {
      const sealed = account[column];
      if (!sealed) continue;
      values.push({
        where: `MpesaAccount.${column}`,
        sealed,
        sealedFor: accountSealedFor(account, purpose),
        replace: (from, to) =>
          db.run(
            qb
              .updateTable('MpesaAccount')
              .set({ [column]: to })
              .where('id', '=', account.id)
              .where(column, '=', from),
          ),
      });
    }
  }
  return values;
}

export interface VaultReport {
  /** The key that seals now. */
  newestKeyId: string;
  /** Sealed values per key id ("v1": sealed before key rotation existed). */
  keysInUse: Record<string, number>;
}

/** Which keys the stored values are sealed with: when only the newest is left, older keys may go. */
export async function vaultReport(db: Database, vault: Vault, newestKeyId: string): Promise<VaultReport> {
  const keysInUse: Record<string, number> = {};
  for (const { sealed } of await sealedValues(db))
    keysInUse[vault.keyIdOf(sealed)] = (keysInUse[vault.keyIdOf(sealed)] ?? 0) + 1;
  return { newestKeyId, keysInUse };
}

/** Re-seals every value not sealed with the newest key; returns how many, per table.column. */
export async function reencryptAll(db: Database, vault: Vault): Promise<Record<string, number>> {
  const resealed: Record<string, number> = {};
  for (const value of await sealedValues(db)) {
    if (vault.isCurrent(value.sealed)) continue;
    const fresh = vault.seal(vault.open(value.sealed, value.sealedFor), value.sealedFor);
    resealed[value.where] = (resealed[value.where] ?? 0) + (await value.replace(value.sealed, fresh));
  }
  return resealed;
}
