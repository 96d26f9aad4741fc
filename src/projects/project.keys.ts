// Issuing and rolling a project's key pairs. A roll replaces a mode's pair; with a grace period
// the replaced pair keeps signing until the grace ends (Stripe's "roll key" with an expiry), so a
// merchant deploys the new pair before the old one stops. Without one (the default) the old pair
// stops at once, and so does every earlier pair of that mode still in a grace: a roll without
// grace is also how a leaked key is cut.
import type { Queryable } from '../db/database';
import { newId, randomKey } from '../ids';
import type { Vault } from '../security/vault';
import { keyPrefixes, type Mode } from '../core/scope';
import { apiKeySealedFor } from '../security/sealed-for';
import { endRetiringKeys, listApiKeys, putApiKey, retireApiKey } from './project.repository';

/** Stripe caps a rolled key's expiry at 7 days; a week is enough to deploy, short enough to matter. */
export const MAX_GRACE_SECONDS = 7 * 24 * 3600;

export async function issueKeys(q: Queryable, vault: Vault, projectId: string, mode: Mode, at: Date) {
  const prefixes = keyPrefixes(mode);
  const publicKey = randomKey(prefixes.public, 18);
  const secretKey = randomKey(prefixes.secret, 32);
  await putApiKey(q, {
    id: newId('key', at),
    projectId,
    mode,
    publicKey,
    secretKeyEnc: vault.seal(secretKey, apiKeySealedFor(projectId, mode)),
    createdAt: at,
  });
  return { publicKey, secretKey };
}

export interface Roll {
  issued: { publicKey: string; secretKey: string };
  /** The pair replaced, and when it stops signing (`at` itself without grace); null when there was none. */
  previous: { publicKey: string; expiresAt: Date } | null;
  /** Pairs that stopped signing because of this roll: their open connections are to be ended now. */
  endedNow: string[];
}

/** Run inside one database transaction: the new pair and the old one's grace commit together. */
export async function rollKeys(
  q: Queryable,
  vault: Vault,
  { projectId, mode, graceSeconds, at }: { projectId: string; mode: Mode; graceSeconds: number; at: Date },
): Promise<Roll> {
  const current = (await listApiKeys(q, [projectId])).find((key) => key.mode === mode);
  const endedEarlier = await endRetiringKeys(q, projectId, mode, at, graceSeconds > 0 ? 'expired' : 'all');
  const expiresAt = new Date(at.getTime() + graceSeconds * 1000);
  if (current && graceSeconds > 0)
    // The sealed secret moves as it is: it was sealed for this project's key of this mode.
    await retireApiKey(q, {
      id: newId('rky', at),
      projectId,
      mode,
      publicKey: current.publicKey,
      secretKeyEnc: current.secretKeyEnc,
      createdAt: current.createdAt,
      retiredAt: at,
      expiresAt,
    });
  const issued = await issueKeys(q, vault, projectId, mode, at);
  return {
    issued,
    previous: current ? { publicKey: current.publicKey, expiresAt } : null,
    endedNow: [...endedEarlier, ...(current && graceSeconds === 0 ? [current.publicKey] : [])],
  };
}
