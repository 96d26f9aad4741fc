// Merchant API for webhook endpoints. Every route here sits behind the signature check.
import { Router } from 'express';
import { parseOrThrow } from '../validation';
import type { EndpointsService } from './endpoint.service';
import { createEndpointBody, deliveriesQuery, endpointIdParams, redeliverFailedBody, rotateSecretBody, updateEndpointBody } from './endpoint.schema';

export function createEndpointRoutes(endpoints: EndpointsService): Router {
  const router = Router();
  const idOf = (params: unknown) => parseOrThrow(endpointIdParams, params, 'path').id;

  router.post('/', async (req, res) => {
    res.status(201).json(await endpoints.create(req.project!.id, parseOrThrow(createEndpointBody, req.body, 'body')));
  });
  router.get('/', async (req, res) => {
    res.json(await endpoints.list(req.project!.id));
  });
  router.get('/:id', async (req, res) => {
    res.json(await endpoints.get(req.project!.id, idOf(req.params)));
  });
  router.patch('/:id', async (req, res) => {
    res.json(await endpoints.update(req.project!.id, idOf(req.params), parseOrThrow(updateEndpointBody, req.body, 'body')));
  });
  router.delete('/:id', async (req, res) => {
    await endpoints.remove(req.project!.id, idOf(req.params));
    res.status(204).end();
  });
  router.post('/:id/secret/rotate', async (req, res) => {
    const { overlapSeconds } = parseOrThrow(rotateSecretBody, req.body, 'body');
    res.json(await endpoints.rotateSecret(req.project!.id, idOf(req.params), overlapSeconds));
  });
  router.get('/:id/deliveries', async (req, res) => {
    res.json(await endpoints.deliveries(req.project!.id, idOf(req.params), parseOrThrow(deliveriesQuery, req.query, 'query')));
  });
  router.post('/:id/redeliver-failed', async (req, res) => {
    const { since } = parseOrThrow(redeliverFailedBody, req.body, 'body');
    res.status(202).json(await endpoints.redeliverFailed(req.project!.id, idOf(req.params), since));
  });
  return router;
}
