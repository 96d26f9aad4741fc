import 'express';

declare global {
  namespace Express {
    interface Request {
      /** The exact bytes received, kept for signature checks and callback records. */
      rawBody?: Buffer;
      /** Set by the merchant signature check. */
      project?: { id: string; publicKey: string };
    }
  }
}
