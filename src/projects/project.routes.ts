// Operator API: create projects, list them, rotate their keys. Admin token only; creation is
// also rate-limited per address.
import { Router, type RequestHandler } from 'express';
import type { ProjectsService } from './project.service';
import { createProjectBody, projectIdParams } from './project.schema';
import { parseOrThrow } from '../validation';

export function createProjectRoutes(deps: {
  projects: ProjectsService;
  adminAuth: RequestHandler;
  createLimiter: RequestHandler;
}): Router {
  const { projects, adminAuth, createLimiter } = deps;
  const router = Router();

  router.post('/', createLimiter, adminAuth, async (req, res) => {
    const { name } = parseOrThrow(createProjectBody, req.body, 'body');
    const created = await projects.create(name);
    res.status(201).json(created);
  });

  router.get('/', adminAuth, async (_req, res) => {
    res.json({ data: await projects.list() });
  });

  router.post('/:id/keys/rotate', adminAuth, async (req, res) => {
    const { id } = parseOrThrow(projectIdParams, req.params, 'path');
    res.json(await projects.rotateKeys(id));
  });

  return router;
}
