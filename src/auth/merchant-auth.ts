// Every merchant call is signed (see signature.ts). Unknown key, stale timestamp and bad
// signature are told apart by code, so an integrator can see which one they got wrong.
// Two guards sit around the check: failures are counted per (source, public key) and per
// public key, unknown keys per source, and only failing requests are refused
// (src/security/failure-limiter.ts); an exact replay of a signed state-changing request is refused.
// A dashboard session (cookie, X-Project-Id, X-Mode, CSRF on writes) stands in for the
// signature, so the dashboard's pages call these same routes (src/auth/session-scope.ts).
import type { Request, RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ProjectsService } from '../projects/project.service';
import { signatureFailures, sourceKey, tooManyFailures } from '../security/failure-limiter';
import type { ReplayGuard } from './replay-guard';
import { usesSession } from '../security/session-cookie';
import type { SessionScopes } from './session-scope';
import type { OperatorOnly } from '../core/openapi.types';
import { isFreshTimestamp, verifySignature, type SignedParts } from '../security/signature';

/** Methods whose replay would act twice; a replayed read only reads again. */
const STATE_CHANGING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export interface MerchantAuthDeps {
  projects: ProjectsService;
  toleranceSeconds: number;
  replays: ReplayGuard;
  failures: Parameters<typeof signatureFailures>[0];
  /** A dashboard session stands in for the signature (src/auth/session-scope.ts). */
  sessions?: SessionScopes;
}

/** What the declaration of the operation this guard is built for says about its auth. */
export interface MerchantAuthRules {
  /**
   * The operation answers a repeat with the same Idempotency-Key from its own store, without
   * acting twice. There a replay carrying the first use's Idempotency-Key is let through to that
   * store: an SDK retry within the same second is byte for byte a replay. A replay with another
   * or no key is refused like any other, so adding a key (it is not signed) to a captured request
   * does not get it past.
   */
  idempotent?: boolean;
  /** The operation stores the replay nonce with what it writes (src/core/replay-nonce.ts). */
  nonceWithWrite?: boolean;
  /** A dashboard member's session is refused (src/auth/session-scope.ts). */
  operatorOnly?: OperatorOnly;
}

/** Built once per operation (src/http/operation.mount.ts): it runs only on that operation's route. */
export function createMerchantAuth(
  { projects, toleranceSeconds, replays, failures, sessions }: MerchantAuthDeps,
  { idempotent = false, nonceWithWrite = false, operatorOnly }: MerchantAuthRules = {},
): RequestHandler {
  const signatures = signatureFailures(failures);

  return async (req, _res, next) => {
    if (sessions && usesSession(req)) {
      const { disabled, ...project } = await sessions.projectOf(req, operatorOnly);
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
    if (!publicKey || !timestamp || !signature) {
      throw new AppError('signature_missing', 'Send X-Api-Key, X-Timestamp and X-Signature headers');
    }
    if (!isFreshTimestamp(timestamp, toleranceSeconds)) {
      throw new AppError(
        'signature_expired',
        `X-Timestamp must be unix seconds within ${toleranceSeconds} s of now`,
      );
    }
    const signer = await projects.findSigner(publicKey);
    if (!signer) {
      const blocked = await signatures.unknownKey(source);
      if (blocked) throw tooManyFailures(blocked, 'unknown public keys from this address');
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
      const blocked = await signatures.badSignature(source, publicKey);
      if (blocked) throw tooManyFailures(blocked, 'failed signatures for this public key');
      throw new AppError(
        'signature_invalid',
        `The signature does not match this request: the server signed HMAC-SHA256 over "${SIGNED_LAYOUT}" with the secret key of ${publicKey}`,
        signedAs(parts, req.rawBody, publicKey),
      );
    }

    if (STATE_CHANGING.has(req.method)) {
      // The signature covers timestamp, method, path and body; it is hex, compared in any case.
      const key = `${publicKey}:${signature.toLowerCase()}`;
      const expiresAt = new Date((Number(timestamp) + toleranceSeconds) * 1000);
      const idempotencyKey = req.get('idempotency-key') ?? '';
      /** A repeat is refused unless it carries the first use's Idempotency-Key to an operation that answers it. */
      const refuseUnlessSame = async (firstTag: string) => {
        if (idempotent && idempotencyKey !== '' && firstTag === idempotencyKey) return;
        await signatures.replayed(source, publicKey);
        throw new AppError(
          'signature_replayed',
          'This signed request was already received; sign each attempt afresh, with a new X-Timestamp',
        );
      };
      if (nonceWithWrite && replays.store === 'database') {
        // Written with the operation's own rows (one statement), refused there if seen before.
        req.replayNonce = { key, tag: idempotencyKey, expiresAt, seenBefore: refuseUnlessSame };
        req.project = { id: signer.projectId, mode: signer.mode, publicKey };
        return next();
      }
      // Without an answer we cannot tell a replay from a first use: refuse, retryably.
      const use = await replays.firstUse(key, expiresAt, idempotencyKey).catch(() => {
        throw new AppError(
          'service_unavailable',
          'The replay guard did not answer; retry shortly',
          undefined,
          { 'Retry-After': '5' },
        );
      });
      if (!use.first) await refuseUnlessSame(use.firstTag);
    }
    req.project = { id: signer.projectId, mode: signer.mode, publicKey };
    next();
  };
}

const SIGNED_LAYOUT = '<X-Timestamp>\\n<METHOD>\\n<path with query>\\n<raw body>';

/**
 * What the server signed, so an integrator can compare it with what they signed: every part
 * but the body itself (its length only) and never the secret or the expected signature.
 */
function signedAs(parts: SignedParts, rawBody: Buffer | undefined, publicKey: string) {
  return {
    publicKey,
    signed: {
      layout: SIGNED_LAYOUT,
      timestamp: parts.timestamp,
      method: parts.method.toUpperCase(),
      pathWithQuery: parts.path,
      bodyBytes: rawBody?.length ?? 0,
    },
  };
}

const projectDisabled = () =>
  new AppError('project_disabled', 'This project is disabled; its operator can enable it again');
