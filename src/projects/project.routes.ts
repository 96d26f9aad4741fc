// Operator API: create projects, list them (with their keys and masked M-Pesa accounts),
// rename or disable them, rotate a mode's keys. Admin token only; creation is also
// rate-limited per address.
import { Router, type RequestHandler } from 'express';
import type { ProjectsService } from './project.service';
import { createProjectBody, projectIdParams, rotateKeysBody, updateProjectBody } from './project.schema';
import { parseOrThrow } from '../validation';

export function createProjectRoutes(deps: {
  projects: ProjectsService;
  adminAuth: RequestHandler;
  createLimiter: RequestHandler;
}): Router {
  const { projects, adminAuth, createLimiter } = deps;
  const router = Router({ caseSensitive: true });
  const idOf = (params: unknown) => parseOrThrow(projectIdParams, params, 'path').id;

  router.post('/', createLimiter, adminAuth, async (req, res) => {
    const { name } = parseOrThrow(createProjectBody, req.body, 'body');
    res.status(201).json(await projects.create(name));
  });

  router.get('/', adminAuth, async (_req, res) => {
    res.json({ data: await projects.list() });
  });

  router.patch('/:id', adminAuth, async (req, res) => {
    res.json(await projects.update(idOf(req.params), parseOrThrow(updateProjectBody, req.body, 'body')));
  });

  router.post('/:id/keys/rotate', adminAuth, async (req, res) => {
    const { mode } = parseOrThrow(rotateKeysBody, req.body, 'body');
    res.json(await projects.rotateKeys(idOf(req.params), mode));
  });

  return router;
}
