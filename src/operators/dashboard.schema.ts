// Dashboard users and sessions: what the routes accept and answer (and the OpenAPI document shows).
import { z } from 'zod';
import { expecting, text } from '../validation';
import { projectSchema } from '../core/project.view';

import { ROLES, type Role } from '../core/principal';

export { ROLES, type Role };

const EMAIL = 'an email address';
const PASSWORD = '12 to 200 characters';
const NAME = '1 to 100 characters';
const PROJECT_ID = 'a project id (prj_…)';

const email = z
  .email(expecting(EMAIL))
  .max(254, expecting(EMAIL))
  .transform((value) => value.toLowerCase())
  .meta({ description: 'Signs in with it; compared without case.', examples: ['wanjiku@shop.example'] });
const password = text(PASSWORD)
  .min(12, expecting(PASSWORD))
  .max(200, expecting(PASSWORD))
  .meta({ description: 'At least 12 characters.', examples: ['correct horse battery'] });
const name = text(NAME)
  .trim()
  .min(1, expecting(NAME))
  .max(100, expecting(NAME))
  .meta({ examples: ['Wanjiku'] });
const role = z.enum(ROLES, expecting('operator or member')).meta({
  description:
    '`operator`: every project, users and keys. `member`: only the projects listed in `projectIds`.',
});
const projectIds = z
  .array(text(PROJECT_ID).regex(/^prj_[0-9a-z]+$/, expecting(PROJECT_ID)), expecting('a list of project ids'))
  .max(200)
  .meta({
    description: 'The projects a member may see (ignored for operators).',
    examples: [['prj_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1']],
  });

export const newUserBody = z.strictObject({
  email,
  name,
  role,
  password,
  projectIds: projectIds.default([]),
});
export type NewUserInput = z.output<typeof newUserBody>;

export const updateUserBody = z.strictObject({
  name: name.optional(),
  role: role.optional(),
  password: password.optional(),
  projectIds: projectIds.optional(),
  disabled: z
    .boolean(expecting('true or false'))
    .optional()
    .meta({ description: 'A disabled user cannot sign in; its sessions end.' }),
});
export type UpdateUserInput = z.output<typeof updateUserBody>;

const USER_ID = 'a dashboard user id (usr_…)';
export const userIdParams = z.object({
  id: text(USER_ID)
    .regex(/^usr_[0-9a-z]+$/, expecting(USER_ID))
    .meta({ examples: ['usr_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
});

export const signInBody = z.strictObject({ email, password: text('the password').min(1).max(200) });

export const userSchema = z
  .object({
    id: z.string().meta({ examples: ['usr_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1'] }),
    email: z.string().meta({ examples: ['wanjiku@shop.example'] }),
    name: z.string().meta({ examples: ['Wanjiku'] }),
    role,
    projectIds: z.array(z.string()).meta({
      description: "A member's projects; empty for an operator (who sees all).",
      examples: [['prj_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1']],
    }),
    createdAt: z.iso.datetime(),
    disabledAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'DashboardUser', description: 'A person who signs in to the dashboard.' });
export type UserView = z.output<typeof userSchema>;

export const userResponseSchema = z.object({ user: userSchema });
export const userListSchema = z.object({ data: z.array(userSchema) });

export const sessionSchema = z
  .object({
    user: userSchema,
    csrfToken: z.string().meta({
      description: 'Send it as `X-CSRF-Token` on every state-changing request made with the session cookie.',
    }),
    expiresAt: z.iso
      .datetime()
      .meta({ description: 'When the session ends if unused (moved forward while it is used).' }),
    projects: z.array(projectSchema).meta({ description: 'The projects this user may see.' }),
  })
  .meta({ id: 'DashboardSession', description: 'The signed-in user, its CSRF token and its projects.' });
