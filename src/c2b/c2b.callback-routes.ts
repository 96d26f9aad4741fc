// Where Safaricom posts a C2B account's confirmations and validations (src/core/c2b-path.ts):
//   POST /api/v1/callbacks/c2b/<accountId>/<token>/confirmation
//   POST /api/v1/callbacks/c2b/<accountId>/<token>/validation
// Any content type, any bytes (a body we cannot read is still kept, refused). A source off the
// allowlist is answered 403 (and stored, refused, when the token vouches for an account). Never
// rate-limited: Safaricom does not send a confirmation twice.
import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import type { C2bConfirmations, IncomingC2b } from './c2b.confirm';
import type { C2bValidations } from './c2b.validate';

/** Daraja's acknowledgement of a confirmation (the accept shape of its validation answer, docs/daraja.md §7). */
export const C2B_ACKNOWLEDGED = { ResultCode: '0', ResultDesc: 'Accepted' } as const;

interface Deps {
  confirmations: C2bConfirmations;
  validations: C2bValidations;
  isAllowedSource: (ip: string | undefined) => boolean;
  /** Reads the body's bytes into req.body, refusing only a body over the limit (the STK callbacks' reader). */
  rawBody: RequestHandler;
}

const forbidden = () =>
  new AppError('callback_source_forbidden', 'This address may not post M-Pesa callbacks');

export function createC2bCallbackRoutes({
  confirmations,
  validations,
  isAllowedSource,
  rawBody,
}: Deps): Router {
  const router = Router({ caseSensitive: true });
  const incoming = (req: Parameters<RequestHandler>[0]): IncomingC2b => {
    const { accountId, token } = req.params as { accountId: string; token: string };
    return {
      accountId,
      token,
      sourceIp: req.ip ?? 'unknown',
      allowedSource: isAllowedSource(req.ip),
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
    };
  };

  router.post('/:accountId/:token/confirmation', rawBody, async (req, res) => {
    if ((await confirmations.confirm(incoming(req))) === 'forbidden') throw forbidden();
    res.json(C2B_ACKNOWLEDGED);
  });

  router.post('/:accountId/:token/validation', rawBody, async (req, res) => {
    const answer = await validations.validate(incoming(req));
    if (answer === 'forbidden') throw forbidden();
    res.json(answer);
  });

  return router;
}
