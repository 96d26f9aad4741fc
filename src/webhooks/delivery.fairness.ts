// Which due deliveries a worker takes, so one endpoint or one project cannot hold the workers:
// a receiver that never answers keeps each attempt for the whole timeout (15 s), and before
// these caps 128 such endpoints of one project delayed every other project's webhooks by
// minutes (issue 18 C2). Three rules, all counted over the deployment (leases in the database,
// so every instance sees the same in-flight counts):
// - an endpoint has at most `perEndpoint` attempts in flight;
// - a project at most `perProject` (over all its endpoints of the mode claimed);
// - projects take turns: the first pick of every project comes before any project's second.
// Live before test is the worker's claim (claimLiveThenTest in delivery.claim.ts): live picks
// first, and test deliveries get at most half of a worker's slots.

export interface DueDelivery {
  id: string;
  endpointId: string;
  projectId: string;
}

export interface FairnessLimits {
  perEndpoint: number;
  perProject: number;
}

/** Attempts in flight now (leased), by endpoint and by project. */
export interface InFlight {
  byEndpoint: ReadonlyMap<string, number>;
  byProject: ReadonlyMap<string, number>;
}

/**
 * Up to `limit` of `due` (oldest first within each project, in the order given), taking projects
 * in turn and skipping endpoints and projects at their cap.
 */
export function pickFairly(
  due: readonly DueDelivery[],
  inFlight: InFlight,
  limits: FairnessLimits,
  limit: number,
): string[] {
  const byProject = new Map<string, DueDelivery[]>();
  for (const delivery of due) {
    const queue = byProject.get(delivery.projectId);
    if (queue) queue.push(delivery);
    else byProject.set(delivery.projectId, [delivery]);
  }
  const endpointCount = new Map(inFlight.byEndpoint);
  const projectCount = new Map(inFlight.byProject);
  const picked: string[] = [];
  let queues = [...byProject.values()];
  while (picked.length < limit && queues.length > 0) {
    const next: DueDelivery[][] = [];
    for (const queue of queues) {
      if (picked.length >= limit) break;
      const projectId = queue[0]!.projectId;
      if ((projectCount.get(projectId) ?? 0) >= limits.perProject) continue;
      const index = queue.findIndex(
        (delivery) => (endpointCount.get(delivery.endpointId) ?? 0) < limits.perEndpoint,
      );
      if (index < 0) continue;
      const [delivery] = queue.splice(index, 1) as [DueDelivery];
      picked.push(delivery.id);
      endpointCount.set(delivery.endpointId, (endpointCount.get(delivery.endpointId) ?? 0) + 1);
      projectCount.set(projectId, (projectCount.get(projectId) ?? 0) + 1);
      if (queue.length > 0) next.push(queue);
    }
    queues = next;
  }
  return picked;
}
