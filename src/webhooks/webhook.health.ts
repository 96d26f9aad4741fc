// What an attempt's outcome does to its endpoint. Pure, the time passed in; the worker turns
// the decision into columns and an event (delivery.worker.ts). Svix's rules (worker.rs,
// process_endpoint_success / process_endpoint_failure): a success ends a run of failures; an
// endpoint failing without a single success for the grace period (WEBHOOK_DISABLE_AFTER) is
// disabled. Ours also disables at once on 410 Gone, the receiver's own word that it is gone.
// The run's start is a column (failingSince), not process memory, so every instance sees it.

export interface EndpointHealth {
  /** When the current run of failures began; null while the endpoint is healthy. */
  failingSince: Date | null;
}

export type HealthChange =
  | { kind: 'unchanged' }
  /** A success after failures: the run is over. */
  | { kind: 'recovered' }
  /** The first failure after a success: the run starts now. */
  | { kind: 'failing'; since: Date }
  | { kind: 'disable'; reason: 'gone' | 'failing' };

export function afterSuccess(endpoint: EndpointHealth): HealthChange {
  return endpoint.failingSince ? { kind: 'recovered' } : { kind: 'unchanged' };
}

export function afterFailure(
  endpoint: EndpointHealth,
  failure: { gone: boolean },
  now: Date,
  disableAfterMs: number,
): HealthChange {
  if (failure.gone) return { kind: 'disable', reason: 'gone' };
  const failingSince = endpoint.failingSince ?? now;
  if (now.getTime() - failingSince.getTime() >= disableAfterMs) return { kind: 'disable', reason: 'failing' };
  return endpoint.failingSince ? { kind: 'unchanged' } : { kind: 'failing', since: now };
}
