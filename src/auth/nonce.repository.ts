// Signed requests already seen (the replay guard's database store): one row per signature,
// kept until the signature's timestamp has left the tolerance window.
import type { Queryable } from '../db/database';

/** Records `key`; resolves false when it was recorded before (a replay). */
export async function recordNonce(q: Queryable, key: string, expiresAt: Date): Promise<boolean> {
  return (await q.run(q.qb.insertInto('RequestNonce').values({ key, expiresAt }).onConflict((oc) => oc.column('key').doNothing()))) === 1;
}

export function pruneExpiredNonces(q: Queryable, now: Date, limit: number): Promise<number> {
  const old = q.qb.selectFrom('RequestNonce').select('key').where('expiresAt', '<', now).limit(limit);
  return q.run(q.qb.deleteFrom('RequestNonce').where('key', 'in', old));
}
