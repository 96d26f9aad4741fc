// express-rate-limit with the standard RateLimit headers, answering in our error shape. Its
// counts live where every other limit's do (src/security/limiter-store.ts): Redis, else PostgreSQL,
// so N instances allow the configured number in all, not N times it; in memory only on SQLite,
// which is one instance.
import { rateLimit, type Store } from 'express-rate-limit';
import type { Request } from 'express';
import type { RateLimiterRes } from 'rate-limiter-flexible';
import type { Config } from '../config';
import { AppError } from '../errors';
import type { Limiter, LimiterStore } from '../security/limiter-store';
import { sourceKey } from '../security/failure-limiter';

const PROJECT_CREATE_WINDOW_MS = 60 * 60 * 1000;

/** express-rate-limit's store interface over a rate-limiter-flexible limiter (fixed windows, as its own). */
function limiterStore(limiter: Limiter): Store {
  const info = (res: RateLimiterRes) => ({
    totalHits: res.consumedPoints,
    resetTime: new Date(Date.now() + res.msBeforeNext),
  });
  return {
    localKeys: false,
    increment: async (key) => info(await limiter.penalty(key, 1)),
    decrement: async (key) => {
      await limiter.reward(key, 1);
    },
    resetKey: async (key) => {
      await limiter.delete(key);
    },
    get: async (key) => {
      const res = await limiter.get(key);
      return res ? info(res) : undefined;
    },
  };
}

function limiter(
  store: LimiterStore,
  name: string,
  windowMs: number,
  limit: number,
  keyGenerator?: (req: Request) => string,
) {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    store: limiterStore(
      store({ keyPrefix: name, points: limit, durationSeconds: Math.ceil(windowMs / 1000) }),
    ),
    ...(keyGenerator ? { keyGenerator } : {}),
    // TRUST_PROXY=true is an operator's documented choice (README: every proxy hop is believed);
    // the library's warning about it would only fill the logs.
    // Address keys are sourceKey's (IPv6 by its /64), which the library's IPv6 check cannot see.
    validate: { trustProxy: false, keyGeneratorIpFallback: false },
    handler: (_req, _res, next, options) => {
      next(
        new AppError('rate_limited', 'Too many requests; slow down', {
          limit: options.limit,
          windowMs: options.windowMs,
        }),
      );
    },
  });
}

export function createRateLimits(config: Config['rateLimit'], store: LimiterStore) {
  return {
    /**
     * Per project and mode: runs after the signature check, so the key is a verified project.
     * Test traffic has an allowance of its own and never uses up the live one.
     */
    merchant: limiter(
      store,
      'requests-project-mode',
      config.windowMs,
      config.maxPerKey,
      (req) => `${req.project!.id}:${req.project!.mode}`,
    ),
    /**
     * Per source address, for the public checkout pages and their API (no key to count by):
     * the merchant API's allowance, RATE_LIMIT_MAX per RATE_LIMIT_WINDOW_MS. IPv6 by its /64.
     */
    checkout: limiter(store, 'requests-checkout-source', config.windowMs, config.maxPerKey, (req) =>
      sourceKey(req.ip),
    ),
    /** Per source address, for operators creating projects. */
    projectCreate: limiter(
      store,
      'project-create-source',
      PROJECT_CREATE_WINDOW_MS,
      config.projectCreateMaxPerAddress,
    ),
  };
}
