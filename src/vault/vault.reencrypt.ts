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
  // A pair in its grace still signs: its secret moved from ApiKey as it was sealed.
  for (const key of await db.all(
    qb.selectFrom('RetiringApiKey').select(['id', 'projectId', 'mode', 'secretKeyEnc']),
  )) {
    values.push({
      where: 'RetiringApiKey.secretKeyEnc',
      sealed: key.secretKeyEnc,
      sealedFor: apiKeySealedFor(key.projectId, key.mode as Mode),
      replace: (from, to) =>
        db.run(
          qb
            .updateTable('RetiringApiKey')
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
        'initiatorPasswordEnc',
      ]),
  );
  for (const account of accounts) {
    const fields = [
      ['consumerKeyEnc', 'consumer-key'],
      ['consumerSecretEnc', 'consumer-secret'],
      ['passkeyEnc', 'passkey'],
      ['initiatorCredentialEnc', 'initiator-credential'],
      ['initiatorPasswordEnc', 'initiator-password'],
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
  for (const setting of await db.all(
    qb
      .selectFrom('C2bSetting')
      .select(['accountId', 'projectId', 'validationSecretEnc'])
      .where('validationSecretEnc', 'is not', null),
  )) {
    values.push({
      where: 'C2bSetting.validationSecretEnc',
      sealed: setting.validationSecretEnc!,
      sealedFor: accountSealedFor(
        { projectId: setting.projectId, id: setting.accountId },
        'c2b-validation-secret',
      ),
      replace: (from, to) =>
        db.run(
          qb
            .updateTable('C2bSetting')
            .set({ validationSecretEnc: to })
            .where('accountId', '=', setting.accountId)
            .where('validationSecretEnc', '=', from),
        ),
    });
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

/**
 * Opens one stored value per key that sealed any (a wrong key fails GCM's tag check), so a
 * wrong or missing master key stops the start, naming the variable, instead of a service that
 * says it is ready and answers every signed call with 500. Throws a message for the operator.
 */
export async function checkStoredSecretsOpen(
  db: Database,
  vault: Vault,
  keys: { newestKeyId: string; previousKeyIds: readonly string[]; newestFrom: string },
): Promise<void> {
  const tried = new Set<string>();
  for (const value of await sealedValues(db)) {
    const keyId = vault.keyIdOf(value.sealed);
    if (tried.has(keyId)) continue;
    tried.add(keyId);
    try {
      vault.open(value.sealed, value.sealedFor);
    } catch {
      const sealedBy = keyId === 'v1' ? 'an older master key' : `master key ${keyId}`;
      const where = `the stored secrets (${value.where} and others) are sealed by ${sealedBy}`;
      throw new Error(
        keys.previousKeyIds.length > 0
          ? `MASTER_KEY_PREVIOUS: ${where}, which neither ${keys.newestFrom} (key ${keys.newestKeyId}) nor MASTER_KEY_PREVIOUS (${keys.previousKeyIds.join(', ')}) opens; set MASTER_KEY_PREVIOUS to the key used before the rotation`
          : `${keys.newestFrom}: ${where}, which this key (${keys.newestKeyId}) does not open; use the key they were sealed with, and after a rotation put that one in MASTER_KEY_PREVIOUS`,
      );
    }
  }
}
