import 'express';
import type { Mode } from '../core/scope';
import type { Principal } from '../core/principal';
import type { ReplayNonce } from '../core/replay-nonce';

declare global {
  namespace Express {
    interface Request {
      /** The exact bytes received, kept for signature checks and callback records. */
      rawBody?: Buffer;
      /** Set by the merchant signature check: the project and the mode of the key that signed. */
      project?: { id: string; mode: Mode; publicKey: string };
      /** A signed write's replay nonce left for the operation to store (nonceWithWrite). */
      replayNonce?: ReplayNonce;
      /** Set when a dashboard session cookie authenticated the request (src/operators). */
      principal?: Principal;
    }
  }
}
