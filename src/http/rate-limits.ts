// express-rate-limit with the standard RateLimit headers, answering in our error shape.
import { rateLimit } from 'express-rate-limit';
import type { Config } from '../config';
import { AppError } from '../errors';

const PROJECT_CREATE_WINDOW_MS = 60 * 60 * 1000;

function limiter(windowMs: number, limit: number, keyGenerator?: (req: import('express').Request) => string) {
  return rateLimit({
    windowMs,
    limit,
    standardHeaders: 'draft-8',
    legacyHeaders: false,
    ...(keyGenerator ? { keyGenerator } : {}),
    // TRUST_PROXY=true is an operator's documented choice (README: every proxy hop is believed);
    // the library's warning about it would only fill the logs.
    validate: { trustProxy: false },
    handler: (_req, _res, next, options) => {
      next(new AppError('rate_limited', 'Too many requests; slow down', { limit: options.limit, windowMs: options.windowMs }));
    },
  });
}

export function createRateLimits(config: Config['rateLimit']) {
  return {
    /** Per project: runs after the signature check, so the key is a verified project. */
    merchant: limiter(config.windowMs, config.maxPerKey, (req) => req.project!.id),
    /** Per source address, for operators creating projects. */
    projectCreate: limiter(PROJECT_CREATE_WINDOW_MS, config.projectCreateMaxPerAddress),
  };
}
