// GET /api/v1/diagnostics (signed, read-only): the service's findings for the key's project and mode.
import { Router } from 'express';
import { scopeOf } from '../core/scope';
import type { DiagnosticsService } from './diagnostics.service';

/** Headers a proxy adds; their presence says a proxy sits between the caller and the service. */
const FORWARDING_HEADERS = ['x-forwarded-for', 'forwarded', 'x-real-ip'] as const;

export function createDiagnosticsRoutes(diagnostics: DiagnosticsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    const forwardedHeaders = FORWARDING_HEADERS.filter((name) => req.headers[name] !== undefined);
    res.json(
      await diagnostics.run(scopeOf(req), {
        forwardedHeaders,
        peer: req.socket.remoteAddress,
        source: req.ip,
      }),
    );
  });
  return router;
}
