// Every answer of the API is for one caller and many carry a secret shown once (a created or
// rotated secret key, a webhook signing secret, a payment's client secret, a session's CSRF
// token) or a customer's phone: none may be kept by a browser's or a proxy's cache. Set for the
// whole API rather than route by route, so a route added later that returns a secret cannot
// forget it (RFC 9111 §5.2.2.5: `no-store` keeps any cache from storing the answer).
import type { RequestHandler } from 'express';

export const noStore: RequestHandler = (_req, res, next) => {
  res.set('Cache-Control', 'no-store');
  next();
};
