// Operator endpoints (project management) take the admin token from the environment as a
// bearer token. Compared in constant time.
import type { RequestHandler } from 'express';
import { AppError } from '../errors';
import { safeEqual } from '../security/secret-box';

export function createAdminAuth(adminToken: string): RequestHandler {
  return (req, _res, next) => {
    const header = req.get('authorization') ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length) : '';
    if (!token || !safeEqual(token, adminToken)) {
      throw new AppError('admin_unauthorized', 'Send the admin token as Authorization: Bearer <token>');
    }
    next();
  };
}
