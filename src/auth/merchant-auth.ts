// Every merchant call is signed (see signature.ts). Unknown key, stale timestamp and bad
// signature are told apart by code, so an integrator can see which one they got wrong.
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ProjectsService } from '../projects/project.service';
import { isFreshTimestamp, verifySignature } from './signature';

export function createMerchantAuth(projects: ProjectsService, toleranceSeconds: number): RequestHandler {
  return async (req, _res, next) => {
    const publicKey = req.get('x-api-key');
    const timestamp = req.get('x-timestamp');
    const signature = req.get('x-signature');
    if (!publicKey || !timestamp || !signature) {
      throw new AppError('signature_missing', 'Send X-Api-Key, X-Timestamp and X-Signature headers');
    }
    if (!isFreshTimestamp(timestamp, toleranceSeconds)) {
      throw new AppError('signature_expired', `X-Timestamp must be unix seconds within ${toleranceSeconds} s of now`);
    }
    const signer = await projects.findSigner(publicKey);
    if (!signer) throw new AppError('api_key_unknown', 'No project has this public key');
    const parts = { timestamp, method: req.method, path: req.originalUrl, body: req.rawBody?.toString('utf8') ?? '' };
    if (!verifySignature(signer.secretKey, parts, signature)) {
      throw new AppError('signature_invalid', 'The signature does not match this request');
    }
    req.project = { id: signer.projectId, publicKey };
    next();
  };
}
