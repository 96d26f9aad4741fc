// What each sealed secret is bound to (the vault's additional data): one place for the
// features that seal them and for the re-encryption that opens and seals them all again.
import type { Mode } from '../core/scope';
import type { SealedFor } from './vault';

/** What an account's credential is sealed for: this account, this field. */
export const accountSealedFor = (
  row: { projectId: string; id: string },
  purpose: SealedFor['purpose'],
): SealedFor => ({ projectId: row.projectId, recordId: row.id, purpose });

/** What a mode's secret key is sealed for: the project's key of that mode (the row is replaced at rotation). */
export const apiKeySealedFor = (projectId: string, mode: Mode): SealedFor => ({
  projectId,
  recordId: `api-key:${mode}`,
  purpose: 'api-secret-key',
});

/** What an endpoint's signing secrets (current and previous) are sealed for in the vault. */
export const webhookSecretSealedFor = (projectId: string, endpointId: string): SealedFor => ({
  projectId,
  recordId: endpointId,
  purpose: 'webhook-secret',
});
