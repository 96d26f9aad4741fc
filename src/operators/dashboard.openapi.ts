// Dashboard users and sessions in the OpenAPI document (routes: dashboard.routes.ts).
import { z } from 'zod';
import type { ApiSection } from '../core/openapi.types';
import { DASHBOARD_API } from './dashboard.routes';
import {
  newUserBody,
  sessionSchema,
  signInBody,
  updateUserBody,
  userIdParams,
  userListSchema,
  userResponseSchema,
} from './dashboard.schema';

const TAG = 'Dashboard';

export const dashboardApi: ApiSection = {
  tags: [
    {
      name: TAG,
      description:
        'The dashboard at `/dashboard` signs people in with these routes; its pages then call the same API as everyone else with the session cookie. ' +
        'Create the first operator with the admin token (`POST /api/v1/dashboard/users`); operators then manage users from the dashboard.',
    },
  ],
  operations: [
    {
      method: 'post',
      path: `${DASHBOARD_API}/session`,
      operationId: 'signIn',
      tag: TAG,
      summary: 'Sign in',
      description:
        'Sets the HttpOnly, SameSite=Strict session cookie (Secure over HTTPS). Failed sign-ins are counted per address and per email (`SIGN_IN_FAILURES_PER_*`).',
      auth: 'none',
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
    },
    {
      method: 'get',
      path: `${DASHBOARD_API}/session`,
      operationId: 'getSession',
      tag: TAG,
      summary: 'The signed-in user',
      description: 'The user, its CSRF token and the projects it may see.',
      auth: 'session',
      responses: { 200: { description: 'The session.', schema: sessionSchema } },
    },
    {
      method: 'delete',
      path: `${DASHBOARD_API}/session`,
      operationId: 'signOut',
      tag: TAG,
      summary: 'Sign out',
      description: 'Deletes the session: the cookie opens nothing afterwards, wherever a copy of it is.',
      auth: 'session',
      responses: { 204: { description: 'Signed out.' } },
    },
    {
      method: 'post',
      path: `${DASHBOARD_API}/users`,
      operationId: 'createDashboardUser',
      tag: TAG,
      summary: 'Create a dashboard user',
      description:
        "With the admin token (the first operator) or an operator's session. A member sees only the projects in `projectIds`.",
      auth: 'admin',
      body: newUserBody,
      responses: { 201: { description: 'The user.', schema: userResponseSchema } },
      errors: ['dashboard_user_exists', 'project_not_found'],
    },
    {
      method: 'get',
      path: `${DASHBOARD_API}/users`,
      operationId: 'listDashboardUsers',
      tag: TAG,
      summary: 'List dashboard users',
      auth: 'admin',
      responses: { 200: { description: 'Every user, oldest first.', schema: userListSchema } },
    },
    {
      method: 'patch',
      path: `${DASHBOARD_API}/users/:id`,
      operationId: 'updateDashboardUser',
      tag: TAG,
      summary: 'Change a dashboard user',
      description:
        "Rename, change role, password or projects, disable. A new password or disabling ends the user's sessions. The last operator cannot be demoted or disabled.",
      auth: 'admin',
      params: userIdParams,
      body: updateUserBody,
      responses: { 200: { description: 'The user.', schema: userResponseSchema } },
      errors: ['dashboard_user_not_found', 'project_not_found', 'bad_request'],
    },
  ],
};
