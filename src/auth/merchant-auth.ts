// Every merchant call is signed (see signature.ts). Unknown key, stale timestamp and bad
// signature are told apart by code, so an integrator can see which one they got wrong.
// Two guards sit around the check: failures are counted per source and per public key
// (failure-limiter.ts), and an exact replay of a signed state-changing request is refused.
// A dashboard session (cookie, X-Project-Id, X-Mode, CSRF on writes) stands in for the
// signature, so the dashboard's pages call these same routes (src/auth/session-scope.ts).
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ProjectsService } from '../projects/project.service';
import { sourceKey, tooManyFailures, type FailureLimits } from '../security/failure-limiter';
import type { ReplayGuard } from './replay-guard';
import { usesSession } from '../security/session-cookie';
import type { SessionScopes } from './session-scope';
import { isFreshTimestamp, verifySignature } from '../security/signature';

/** Methods whose replay would act twice; a replayed read only reads again. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MerchantAuthDeps {
  projects: ProjectsService;
  toleranceSeconds: number;
  replays: ReplayGuard;
  failures: Pick<FailureLimits, 'signatureBySource' | 'signatureByKey'>;
  /** A dashboard session stands in for the signature (src/auth/session-scope.ts). */
  sessions?: SessionScopes;
}

/**
 * `idempotentPaths` (relative to where it is mounted): routes that answer a repeat with the
 * same Idempotency-Key from their own store, without acting twice. There a replay carrying the
 * first use's Idempotency-Key is let through to that store: an SDK retry within the same
 * second is byte for byte a replay. A replay with another or no key is refused like any other,
 * so adding a key (it is not signed) to a captured request does not get it past.
 */
export function createMerchantAuth(
  { projects, toleranceSeconds, replays, failures, sessions }: MerchantAuthDeps,
  idempotentPaths: readonly string[] = [],
): RequestHandler {
  const idempotent = new Set(idempotentPaths.map(normalizePath));

  return async (req, _res, next) => {
    if (sessions && usesSession(req)) {
      const { disabled, ...project } = await sessions.projectOf(req);
      // A disabled project takes nothing new by any path: its keys are refused outright (below);
      // a dashboard session still reads it (its operator looks back at it) but writes nothing,
      // no payment, test payment, webhook endpoint or account, until it is enabled again.
      if (disabled && STATE_CHANGING.has(req.method)) throw projectDisabled();
      req.project = project;
      return next();
    }
    const source = sourceKey(req.ip);
    const publicKey = req.get('x-api-key');
    const timestamp = req.get('x-timestamp');
    const signature = req.get('x-signature');
    // The block check and the key lookup are independent round trips (to PostgreSQL or Redis
    // with several instances): both are sent at once, and the block is still decided first.
    const blockedAnswer = failures.signatureBySource.blockedFor(source);
    const signerAnswer = publicKey ? projects.findSigner(publicKey) : Promise.resolve(undefined);
    signerAnswer.catch(() => undefined); // awaited below, unless the block check throws first
    const blocked = await blockedAnswer;
    if (blocked) throw tooManyFailures(blocked, 'failed signatures from this address');

    if (!publicKey || !timestamp || !signature) {
      throw new AppError('signature_missing', 'Send X-Api-Key, X-Timestamp and X-Signature headers');
    }
    if (!isFreshTimestamp(timestamp, toleranceSeconds)) {
      throw new AppError(
        'signature_expired',
        `X-Timestamp must be unix seconds within ${toleranceSeconds} s of now`,
      );
    }
    const signer = await signerAnswer;
    if (!signer) {
      await failures.signatureBySource.fail(source);
      throw new AppError('api_key_unknown', 'No project has this public key');
    }
    if (signer.disabled) throw projectDisabled();
    const parts = {
      timestamp,
      method: req.method,
      path: req.originalUrl,
      body: req.rawBody?.toString('utf8') ?? '',
    };
    if (!verifySignature(signer.secretKey, parts, signature)) {
      // Per key, only failures are refused: a correct signature always gets in, so nobody can
      // lock a merchant out by sending bad signatures with its (not secret) public key.
      const keyBlocked = await failures.signatureByKey.blockedFor(publicKey);
      await Promise.all([failures.signatureBySource.fail(source), failures.signatureByKey.fail(publicKey)]);
      if (keyBlocked) throw tooManyFailures(keyBlocked, 'failed signatures for this public key');
      throw new AppError('signature_invalid', 'The signature does not match this request');
    }

    if (STATE_CHANGING.has(req.method)) {
      // The signature covers timestamp, method, path and body; it is hex, compared in any case.
      const key = `${publicKey}:${signature.toLowerCase()}`;
      const expiresAt = new Date((Number(timestamp) + toleranceSeconds) * 1000);
      const idempotencyKey = req.get('idempotency-key') ?? '';
      // Without an answer we cannot tell a replay from a first use: refuse, retryably.
      const use = await replays.firstUse(key, expiresAt, idempotencyKey).catch(() => {
        throw new AppError(
          'service_unavailable',
          'The replay guard did not answer; retry shortly',
          undefined,
          { 'Retry-After': '5' },
        );
      });
      const sameIdempotentRequest =
        !use.first &&
        idempotencyKey !== '' &&
        use.firstTag === idempotencyKey &&
        idempotent.has(normalizePath(req.path));
      if (!use.first && !sameIdempotentRequest) {
        await failures.signatureBySource.fail(source);
        throw new AppError(
          'signature_replayed',
          'This signed request was already received; sign each attempt afresh, with a new X-Timestamp',
        );
      }
    }
    req.project = { id: signer.projectId, mode: signer.mode, publicKey };
    next();
  };
}

/** Express matches `/Initiate/` as `/initiate`: so does this. */
function normalizePath(path: Request['path']): string {
  return path.replace(/\/+$/, '').toLowerCase() || '/';
}

const projectDisabled = () =>
  new AppError('project_disabled', 'This project is disabled; its operator can enable it again');
