// Messages between the bench (parent) and the processes it measures (children), over the
// IPC channel of `child_process.spawn`. The server runs in its own process so its peak RSS
// is its own, and so the load generator does not share its event loop.
export type ParentMessage =
  | { type: 'oauth-count' }
  | { type: 'memory' }
  | { type: 'settled' }
  | { type: 'prune' }
  | { type: 'round-trips' }
  | { type: 'close' };

export type ChildMessage =
  | { type: 'ready'; url: string }
  | { type: 'oauth-count'; count: number }
  | { type: 'memory'; usage: NodeJS.MemoryUsage }
  /** Counted by the server through its own database handle (SQLite has one owner). */
  | { type: 'settled'; completed: number; appliedRecords: number }
  | { type: 'pruned'; callbacks: number; deliveries: number; seconds: number }
  /** Queries sent to PostgreSQL so far (bench/round-trips.ts), and the server processes serving them. */
  | { type: 'round-trips'; total: number; byKind: Record<string, number>; backendPids: number[] };

export function isChildMessage(value: unknown): value is ChildMessage {
  return (
    typeof value === 'object' && value !== null && typeof (value as { type?: unknown }).type === 'string'
  );
}
