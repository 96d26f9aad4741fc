// Merchant API for webhook endpoints. Every route here sits behind the signature check.
import { Router } from 'express';
import { scopeOf } from '../core/scope';
import { parseOrThrow } from '../validation';
import type { EndpointsService } from './endpoint.service';
import {
  createEndpointBody,
  deliveriesQuery,
  endpointIdParams,
  redeliverFailedBody,
  rotateSecretBody,
  updateEndpointBody,
} from './endpoint.schema';

export function createEndpointRoutes(endpoints: EndpointsService): Router {
  const router = Router();
  const idOf = (params: unknown) => parseOrThrow(endpointIdParams, params, 'path').id;

  router.post('/', async (req, res) => {
    res
      .status(201)
      .json(await endpoints.create(scopeOf(req), parseOrThrow(createEndpointBody, req.body, 'body')));
  });
  router.get('/', async (req, res) => {
    res.json(await endpoints.list(scopeOf(req)));
  });
  router.get('/:id', async (req, res) => {
    res.json(await endpoints.get(scopeOf(req), idOf(req.params)));
  });
  router.patch('/:id', async (req, res) => {
    res.json(
      await endpoints.update(
        scopeOf(req),
        idOf(req.params),
        parseOrThrow(updateEndpointBody, req.body, 'body'),
      ),
    );
  });
  router.delete('/:id', async (req, res) => {
    await endpoints.remove(scopeOf(req), idOf(req.params));
    res.status(204).end();
  });
  router.post('/:id/secret/rotate', async (req, res) => {
    const { overlapSeconds } = parseOrThrow(rotateSecretBody, req.body, 'body');
    res.json(await endpoints.rotateSecret(scopeOf(req), idOf(req.params), overlapSeconds));
  });
  router.get('/:id/deliveries', async (req, res) => {
    res.json(
      await endpoints.deliveries(
        scopeOf(req),
        idOf(req.params),
        parseOrThrow(deliveriesQuery, req.query, 'query'),
      ),
    );
  });
  router.post('/:id/redeliver-failed', async (req, res) => {
    const { since } = parseOrThrow(redeliverFailedBody, req.body, 'body');
    res.status(202).json(await endpoints.redeliverFailed(scopeOf(req), idOf(req.params), since));
  });
  return router;
}
