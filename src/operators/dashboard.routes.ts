// Dashboard users and sessions. Users are managed with the admin token (how the first
// operator is made) or an operator's session.
import { z } from 'zod';
import { AppError } from '../errors';
import { defineOperation, type FeatureApi } from '../core/operation';
import type { ProjectView } from '../core/project.view';
import {
  assertSameOrigin,
  clearSessionCookie,
  sessionTokenOf,
  setSessionCookie,
} from '../security/session-cookie';
import {
  newUserBody,
  sessionSchema,
  signInBody,
  updateUserBody,
  userIdParams,
  userListSchema,
  userResponseSchema,
} from './dashboard.schema';
import { canSeeProject, type DashboardService, type Principal } from './dashboard.service';

export interface DashboardDeps {
  dashboard: DashboardService;
  /** Every project; composition (app.ts) passes the projects service in. */
  projects: { list(): Promise<ProjectView[]> };
}

const BASE = '/api/v1/dashboard';
const TAG = 'Dashboard';
const operation = defineOperation<DashboardDeps>();

async function sessionView(deps: DashboardDeps, principal: Principal) {
  const projects = (await deps.projects.list()).filter((project) => canSeeProject(principal, project.id));
  return {
    user: await deps.dashboard.viewOf(principal.userId),
    csrfToken: principal.csrfToken,
    expiresAt: principal.expiresAt.toISOString(),
    projects,
  };
}

export const dashboardApi: FeatureApi<DashboardDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'The dashboard at `/dashboard` signs people in with these routes; its pages then call the same API as everyone else with the session cookie. ' +
        'Create the first operator with the admin token (`POST /api/v1/dashboard/users`); operators then manage users from the dashboard.',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: `${BASE}/session`,
      operationId: 'signIn',
      tag: TAG,
      summary: 'Sign in',
      description:
        'Sets the HttpOnly, SameSite=Strict session cookie (Secure over HTTPS). Failed sign-ins are counted per address and per email (`SIGN_IN_FAILURES_PER_*`).',
      auth: 'none',
      // Login CSRF: a browser always names the page it posts from; another site's is refused.
      precondition: (req) => {
        if (req.get('origin') !== undefined) assertSameOrigin(req);
      },
      body: signInBody,
      responses: {
        201: {
          description: 'Signed in: the session, with its CSRF token.',
          schema: sessionSchema,
          headers: {
            'Set-Cookie': {
              required: true,
              description: 'The session cookie `mb_session`.',
              schema: z.string(),
            },
          },
        },
      },
      errors: ['sign_in_failed', 'csrf_failed', 'rate_limited'],
      sample: { body: { email: 'wanjiku@shop.example', password: 'correct horse battery staple' } },
      handler: async ({ deps, req, res, body }) => {
        const { email, password } = body;
        const { token, expiresAt } = await deps.dashboard.signIn(email, password, req.ip);
        setSessionCookie(req, res, token, expiresAt);
        const principal = await deps.dashboard.authenticate(token);
        if (!principal) throw new AppError('session_invalid', 'The session ended at once; sign in again');
        req.principal = principal;
        res.status(201).json(await sessionView(deps, principal));
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/session`,
      operationId: 'getSession',
      tag: TAG,
      summary: 'The signed-in user',
      description: 'The user, its CSRF token and the projects it may see.',
      auth: 'session',
      responses: { 200: { description: 'The session.', schema: sessionSchema } },
      handler: async ({ deps, req, res }) => {
        res.json(await sessionView(deps, req.principal!));
      },
    }),
    operation({
      method: 'delete',
      path: `${BASE}/session`,
      operationId: 'signOut',
      tag: TAG,
      summary: 'Sign out',
      description: 'Deletes the session: the cookie opens nothing afterwards, wherever a copy of it is.',
      auth: 'session',
      responses: { 204: { description: 'Signed out.' } },
      handler: async ({ deps, req, res }) => {
        await deps.dashboard.signOut(sessionTokenOf(req)!);
        clearSessionCookie(req, res);
        res.status(204).end();
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/users`,
      operationId: 'createDashboardUser',
      audit: { action: 'dashboard_user.created', fields: ['email', 'name', 'role', 'projectIds'] },
      tag: TAG,
      summary: 'Create a dashboard user',
      description:
        "With the admin token (the first operator) or an operator's session. A member sees only the projects in `projectIds`.",
      auth: 'admin',
      body: newUserBody,
      responses: { 201: { description: 'The user.', schema: userResponseSchema } },
      errors: ['dashboard_user_exists', 'project_not_found'],
      sample: {
        body: {
          email: 'wanjiku@shop.example',
          name: 'Wanjiku',
          role: 'operator',
          password: 'correct horse battery staple',
        },
      },
      handler: async ({ deps, res, body }) => {
        res.status(201).json({ user: await deps.dashboard.createUser(body) });
      },
    }),
    operation({
      method: 'get',
      path: `${BASE}/users`,
      operationId: 'listDashboardUsers',
      tag: TAG,
      summary: 'List dashboard users',
      auth: 'admin',
      responses: { 200: { description: 'Every user, oldest first.', schema: userListSchema } },
      handler: async ({ deps, res }) => {
        res.json({ data: await deps.dashboard.listUsers() });
      },
    }),
    operation({
      method: 'patch',
      path: `${BASE}/users/:id`,
      operationId: 'updateDashboardUser',
      audit: {
        action: 'dashboard_user.updated',
        fields: ['name', 'role', 'projectIds', 'disabled', 'password'],
      },
      tag: TAG,
      summary: 'Change a dashboard user',
      description:
        "Rename, change role, password or projects, disable. A new password or disabling ends the user's sessions. The last operator cannot be demoted or disabled.",
      auth: 'admin',
      params: userIdParams,
      body: updateUserBody,
      responses: { 200: { description: 'The user.', schema: userResponseSchema } },
      errors: ['dashboard_user_not_found', 'project_not_found', 'bad_request'],
      sample: { body: { name: 'Wanjiku Kamau' } },
      handler: async ({ deps, res, params, body }) => {
        res.json({ user: await deps.dashboard.updateUser(params.id, body) });
      },
    }),
  ],
};
