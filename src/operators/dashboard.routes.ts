// Dashboard users and sessions (mounted at /api/v1/dashboard). Users are managed with the
// admin token (how the first operator is made) or an operator's session.
import { Router, type RequestHandler } from 'express';
import { AppError } from '../errors';
import type { ProjectView } from '../core/project.view';
import { parseOrThrow } from '../validation';
import {
  assertSameOrigin,
  clearSessionCookie,
  sessionTokenOf,
  setSessionCookie,
  type SessionGuard,
} from '../security/session-cookie';
import { newUserBody, signInBody, updateUserBody, userIdParams } from './dashboard.schema';
import { canSeeProject, type DashboardService } from './dashboard.service';

export const DASHBOARD_API = '/api/v1/dashboard';

export function createDashboardRoutes(deps: {
  dashboard: DashboardService;
  /** Every project; composition (app.ts) passes the projects service in. */
  projects: { list(): Promise<ProjectView[]> };
  guard: SessionGuard;
  adminAuth: RequestHandler;
}): Router {
  const { dashboard, guard, adminAuth } = deps;
  const router = Router();

  router.post('/session', async (req, res) => {
    // Login CSRF: a browser always names the page it posts from; another site's is refused.
    if (req.get('origin') !== undefined) assertSameOrigin(req);
    const { email, password } = parseOrThrow(signInBody, req.body, 'body');
    const { token, expiresAt } = await dashboard.signIn(email, password, req.ip);
    setSessionCookie(req, res, token, expiresAt);
    const principal = await dashboard.authenticate(token);
    if (!principal) throw new AppError('session_invalid', 'The session ended at once; sign in again');
    req.principal = principal;
    res.status(201).json(await sessionView(principal));
  });

  router.get('/session', async (req, res) => {
    res.json(await sessionView(await guard(req)));
  });

  router.delete('/session', async (req, res) => {
    await guard(req);
    await dashboard.signOut(sessionTokenOf(req)!);
    clearSessionCookie(req, res);
    res.status(204).end();
  });

  router.post('/users', adminAuth, async (req, res) => {
    res.status(201).json({ user: await dashboard.createUser(parseOrThrow(newUserBody, req.body, 'body')) });
  });

  router.get('/users', adminAuth, async (_req, res) => {
    res.json({ data: await dashboard.listUsers() });
  });

  router.patch('/users/:id', adminAuth, async (req, res) => {
    const { id } = parseOrThrow(userIdParams, req.params, 'path');
    res.json({ user: await dashboard.updateUser(id, parseOrThrow(updateUserBody, req.body, 'body')) });
  });

  async function sessionView(principal: Awaited<ReturnType<SessionGuard>>) {
    const projects = (await deps.projects.list()).filter((project) => canSeeProject(principal, project.id));
    return {
      user: await dashboard.viewOf(principal.userId),
      csrfToken: principal.csrfToken,
      expiresAt: principal.expiresAt.toISOString(),
      projects,
    };
  }

  return router;
}
