// Merchant API for the event log and replay. Every route here sits behind the signature check.
import { Router } from 'express';
import { scopeOf } from '../core/scope';
import { parseOrThrow } from '../validation';
import { eventIdParams, eventsQuery, redeliverEventBody } from './event.schema';
import type { EventsService } from './event.service';

export function createEventRoutes(events: EventsService): Router {
  const router = Router();
  router.get('/', async (req, res) => {
    res.json(await events.list(scopeOf(req), parseOrThrow(eventsQuery, req.query, 'query')));
  });
  router.get('/:id', async (req, res) => {
    res.json(await events.get(scopeOf(req), parseOrThrow(eventIdParams, req.params, 'path').id));
  });
  router.post('/:id/redeliver', async (req, res) => {
    const { endpointId } = parseOrThrow(redeliverEventBody, req.body, 'body');
    res
      .status(202)
      .json(
        await events.redeliver(scopeOf(req), parseOrThrow(eventIdParams, req.params, 'path').id, endpointId),
      );
  });
  return router;
}
