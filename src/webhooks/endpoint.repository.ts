// Every query about webhook endpoints, on both engines. Deleted endpoints are kept (soft
// delete) so their delivery history stays readable.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { WebhookEndpoint } from '../db/database.types';
import type { Scope } from '../core/scope';

export type EndpointRow = Selectable<WebhookEndpoint>;

export function insertEndpoint(q: Queryable, row: Insertable<WebhookEndpoint>): Promise<EndpointRow> {
  return q.first(q.qb.insertInto('WebhookEndpoint').values(row).returningAll()) as Promise<EndpointRow>;
}

/** A live (not deleted) endpoint of the project, in this mode. */
export function findProjectEndpoint(
  q: Queryable,
  scope: Scope,
  id: string,
): Promise<EndpointRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('WebhookEndpoint')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('deletedAt', 'is', null),
  );
}

export function listProjectEndpoints(q: Queryable, scope: Scope): Promise<EndpointRow[]> {
  return q.all(
    q.qb
      .selectFrom('WebhookEndpoint')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('deletedAt', 'is', null)
      .orderBy('id', 'desc'),
  );
}

export function updateEndpoint(
  q: Queryable,
  id: string,
  patch: Omit<Updateable<WebhookEndpoint>, 'id' | 'projectId'>,
): Promise<EndpointRow> {
  return q.first(
    q.qb.updateTable('WebhookEndpoint').set(patch).where('id', '=', id).returningAll(),
  ) as Promise<EndpointRow>;
}

/** Deliveries still pending for the endpoint go out now (it was just enabled again). */
export function rescheduleEndpointDeliveries(q: Queryable, endpointId: string, at: Date): Promise<number> {
  return q.run(
    q.qb
      .updateTable('WebhookDelivery')
      .set({ nextAttemptAt: at })
      .where('endpointId', '=', endpointId)
      .where('status', '=', 'pending'),
  );
}

/** Pending deliveries of a deleted endpoint end as failed. */
export function failPendingDeliveries(
  q: Queryable,
  endpointId: string,
  reason: string,
  at: Date,
): Promise<number> {
  return q.run(
    q.qb
      .updateTable('WebhookDelivery')
      .set({ status: 'failed', lastError: reason, completedAt: at, lockedUntil: null })
      .where('endpointId', '=', endpointId)
      .where('status', '=', 'pending'),
  );
}
