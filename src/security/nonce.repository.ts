// Signed requests already seen (the replay guard's database store): one row per signature,
// kept until the signature's timestamp has left the tolerance window. An initiate writes its
// own in the statement that stores the payment (src/payments/transaction.repository.ts).
import type { Queryable } from '../db/database';

/**
 * Records `key` with `tag`; resolves undefined on its first use (or when its earlier use has
 * expired and not yet been pruned), else the first use's tag. One statement: atomic.
 */
export async function recordNonce(
  q: Queryable,
  key: string,
  tag: string,
  expiresAt: Date,
  now: Date,
): Promise<{ firstTag: string } | undefined> {
  const recorded = await q.run(
    q.qb
      .insertInto('RequestNonce')
      .values({ key, tag, expiresAt })
      .onConflict((oc) =>
        oc.column('key').doUpdateSet({ tag, expiresAt }).where('RequestNonce.expiresAt', '<=', now),
      ),
  );
  if (recorded === 1) return undefined;
  const earlier = await q.first(q.qb.selectFrom('RequestNonce').select('tag').where('key', '=', key));
  // Pruned between the two statements: its window is over, and a replay it stays.
  return { firstTag: earlier?.tag ?? '' };
}

export function pruneExpiredNonces(q: Queryable, now: Date, limit: number): Promise<number> {
  const old = q.qb.selectFrom('RequestNonce').select('key').where('expiresAt', '<', now).limit(limit);
  return q.run(q.qb.deleteFrom('RequestNonce').where('key', 'in', old));
}

/** The tag a nonce was first recorded with ('' when it is gone: its window is over). */
export async function findNonceTag(q: Queryable, key: string): Promise<string> {
  return (await q.first(q.qb.selectFrom('RequestNonce').select('tag').where('key', '=', key)))?.tag ?? '';
}
