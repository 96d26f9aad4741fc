import 'express';
import type { Mode } from '../projects/project.modes';

declare global {
  namespace Express {
    interface Request {
      /** The exact bytes received, kept for signature checks and callback records. */
      rawBody?: Buffer;
      /** Set by the merchant signature check: the project and the mode of the key that signed. */
      project?: { id: string; mode: Mode; publicKey: string };
    }
  }
}
