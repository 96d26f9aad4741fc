// A signed write's replay nonce, when the operation stores it itself (an initiate, in the one
// statement that stores the payment) instead of the signature check storing it first: one round
// trip fewer, and the nonce and the payment are committed together or not at all.
// src/auth/merchant-auth.ts makes it; the operation writes it, and calls `seenBefore` when the
// nonce was there already.
export interface ReplayNonce {
  key: string;
  /** The Idempotency-Key the request came with ('' when none). */
  tag: string;
  /** When the signature's timestamp leaves the tolerance window (a replay is refused as stale then). */
  expiresAt: Date;
  /**
   * The same signature was received before, with `firstTag`: throws signature_replayed, or
   * resolves when the operation must answer from its idempotency store (a retry carrying the
   * first use's Idempotency-Key).
   */
  seenBefore(firstTag: string): Promise<void>;
}
