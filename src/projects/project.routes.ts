// Operator API: create projects, list them (with their keys and masked M-Pesa accounts),
// rename or disable them, rotate a mode's keys. Admin token only; creation is also
// rate-limited per address.
import { defineOperation, type FeatureApi } from '../core/operation';
import {
  createProjectBody,
  projectIdParams,
  projectListSchema,
  projectResponseSchema,
  projectWithSecretSchema,
  rotatedKeysSchema,
  rotateKeysBody,
  updateProjectBody,
} from './project.schema';
import type { ProjectsService } from './project.service';

export interface ProjectsDeps {
  projects: ProjectsService;
}

const BASE = '/api/v1/projects';
const TAG = 'Projects';
const operation = defineOperation<ProjectsDeps>();

export const projectsApi: FeatureApi<ProjectsDeps> = {
  tags: [
    {
      name: TAG,
      description:
        'Operator endpoints (`Authorization: Bearer <ADMIN_TOKEN>`): create merchant projects, see their keys and M-Pesa accounts (masked), ' +
        'rename or disable them, rotate their keys. Each project has a test and a live key pair.',
    },
  ],
  operations: [
    operation({
      method: 'post',
      path: BASE,
      operationId: 'createProject',
      audit: { action: 'project.created', fields: ['name'], targetIsProject: true },
      tag: TAG,
      summary: 'Create a project',
      description:
        'Creates a project with a test and a live key pair. The secret keys are in this answer only. Rate-limited per source address.',
      auth: 'admin',
      rateLimit: 'projectCreatePerSource',
      body: createProjectBody,
      responses: {
        201: { description: 'The project and its secret keys.', schema: projectWithSecretSchema },
      },
      errors: ['rate_limited'],
      handler: async ({ deps, res, body }) => {
        res.status(201).json(await deps.projects.create(body.name));
      },
    }),
    operation({
      method: 'get',
      path: BASE,
      operationId: 'listProjects',
      tag: TAG,
      summary: 'List projects',
      description:
        'Every project, newest first, with its public keys and its M-Pesa accounts (masked). Secrets are never listed.',
      auth: 'admin',
      responses: { 200: { description: 'The projects.', schema: projectListSchema } },
      handler: async ({ deps, res }) => {
        res.json({ data: await deps.projects.list() });
      },
    }),
    operation({
      method: 'patch',
      path: `${BASE}/:id`,
      operationId: 'updateProject',
      audit: { action: 'project.updated', fields: ['name', 'disabled'], targetIsProject: true },
      tag: TAG,
      summary: 'Rename or disable a project',
      description:
        "A disabled project's keys are refused with `project_disabled`; its payments keep settling and its webhooks keep going out.",
      auth: 'admin',
      params: projectIdParams,
      body: updateProjectBody,
      responses: { 200: { description: 'The project.', schema: projectResponseSchema } },
      errors: ['project_not_found'],
      sample: { body: { name: 'My shop (Nairobi)' } },
      handler: async ({ deps, res, params, body }) => {
        res.json(await deps.projects.update(params.id, body));
      },
    }),
    operation({
      method: 'post',
      path: `${BASE}/:id/keys/rotate`,
      operationId: 'rotateProjectKeys',
      audit: { action: 'project.keys_rotated', fields: ['mode', 'graceSeconds'], targetIsProject: true },
      tag: TAG,
      summary: 'Rotate a project’s keys',
      description:
        "Replaces one mode's key pair (the deployment's default mode when the body names none). The old pair stops working at once, " +
        "or, with `graceSeconds`, keeps working until the grace ends (listed in the project's `retiringKeys` until then), so the new pair can be deployed without downtime. " +
        'Open streams on the old pair end when it stops, on every instance. Also issues a pair a project created before modes existed does not have yet.',
      auth: 'admin',
      params: projectIdParams,
      body: rotateKeysBody,
      responses: {
        200: { description: 'The project, and the new pair of that mode.', schema: rotatedKeysSchema },
      },
      errors: ['project_not_found'],
      handler: async ({ deps, res, params, body }) => {
        res.json(await deps.projects.rotateKeys(params.id, body.mode, body.graceSeconds));
      },
    }),
  ],
};
