// The operator API in the OpenAPI document (routes: project.routes.ts, mounted in app.ts).
import type { ApiSection } from '../openapi/openapi.types';
import { createProjectBody, projectIdParams, projectListSchema, projectWithSecretSchema } from './project.schema';

const BASE = '/api/v1/projects';
const TAG = 'Projects';

export const projectsApi: ApiSection = {
  tags: [
    {
      name: TAG,
      description: 'Operator endpoints (`Authorization: Bearer <ADMIN_TOKEN>`): create merchant projects and rotate their keys.',
    },
  ],
  operations: [
    {
      method: 'post',
      path: BASE,
      operationId: 'createProject',
      tag: TAG,
      summary: 'Create a project',
      description: 'Creates a project with a new key pair. The secret key is in this answer only. Rate-limited per source address.',
      auth: 'admin',
      body: createProjectBody,
      responses: { 201: { description: 'The project and its secret key.', schema: projectWithSecretSchema } },
      errors: ['rate_limited'],
    },
    {
      method: 'get',
      path: BASE,
      operationId: 'listProjects',
      tag: TAG,
      summary: 'List projects',
      description: 'Every project, newest first. Secrets are never listed.',
      auth: 'admin',
      responses: { 200: { description: 'The projects.', schema: projectListSchema } },
    },
    {
      method: 'post',
      path: `${BASE}/:id/keys/rotate`,
      operationId: 'rotateProjectKeys',
      tag: TAG,
      summary: 'Rotate a project’s keys',
      description: 'Replaces both keys; the old pair stops working at once.',
      auth: 'admin',
      params: projectIdParams,
      responses: { 200: { description: 'The project with its new public key, and the new secret key.', schema: projectWithSecretSchema } },
      errors: ['project_not_found'],
    },
  ],
};
