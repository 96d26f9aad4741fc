// A cache in this process of what every signed request reads (a key's signer, a project's
// account), forgotten on every instance the moment it changes: the change's writer calls
// `forget` after its commit, which drops the entries here and resolves once every other
// instance has dropped them too (the bus's confirmed publish), so the answer to a key rotation
// or a project disabled is sent only when no instance would still let the old state in.
//
// Where that promise cannot hold, the cache steps aside rather than serve something stale:
// - while this instance's own bus connection is down (it may miss a forget), nothing is
//   served from it or stored, and everything is dropped when the connection is back;
// - a read that started before a forget is not stored (a generation count);
// - an instance that does not confirm in time is logged by the bus, and every entry lives at
//   most MAX_AGE_MS.
// Misses are not cached: an unknown public key costs its lookup every time (and is counted by
// the failure limits), so made-up keys cannot fill memory.
import type { Bus } from './bus';

export const MAX_AGE_MS = 60_000;
const MAX_ENTRIES = 10_000;

export interface InstanceCache<V> {
  /** The value for `key`, from here when held, else from `load` (and held when found). */
  get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /**
   * The value for `key` read now with `load`, whatever is held, and held in its place (or dropped
   * when gone): for checks that must see a change made behind the cache's back (a direct write,
   * a forget lost while the bus was down).
   */
  refresh(key: string, load: () => Promise<V | undefined>): Promise<V | undefined>;
  /** Drops every entry carrying one of `tags`, here and on every instance; resolves once all did. */
  forget(tags: readonly string[]): Promise<void>;
}

export interface InstanceCacheOptions<V> {
  /** Distinct per cache: its forgets travel on a topic of their own. */
  name: string;
  /** What a change names to forget an entry by (its key, its project). */
  tagsOf(key: string, value: V): string[];
  /** When a value stops being true by itself (a key pair's grace ending), if ever. */
  validUntil?(value: V): Date | undefined;
  maxAgeMs?: number;
  now?: () => number;
}

export function createInstanceCache<V>(bus: Bus, options: InstanceCacheOptions<V>): InstanceCache<V> {
  const maxAgeMs = options.maxAgeMs ?? MAX_AGE_MS;
  const now = options.now ?? Date.now;
  const topic = `cache.forget:${options.name}`;
  const entries = new Map<string, { value: V; tags: string[]; storedAt: number; until: number }>();
  let generation = 0;

  const drop = (tags: readonly string[]) => {
    generation += 1;
    const wanted = new Set(tags);
    for (const [key, entry] of entries) if (entry.tags.some((tag) => wanted.has(tag))) entries.delete(key);
  };
  const dropAll = () => {
    generation += 1;
    entries.clear();
  };
  bus.subscribe(topic, (body) => drop((body as { tags: string[] }).tags));
  bus.onReconnected(dropAll);

  async function read(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    entries.delete(key);
    const startedAt = generation;
    const value = await load();
    if (value !== undefined && startedAt === generation && bus.listening()) {
      // The oldest entry goes first when full (Map keeps insertion order).
      if (entries.size >= MAX_ENTRIES) entries.delete(entries.keys().next().value!);
      const until = options.validUntil?.(value)?.getTime() ?? Number.POSITIVE_INFINITY;
      entries.set(key, { value, tags: options.tagsOf(key, value), storedAt: now(), until });
    }
    return value;
  }

  return {
    async get(key, load) {
      const held = entries.get(key);
      if (held && bus.listening() && now() - held.storedAt < maxAgeMs && now() < held.until)
        return held.value;
      return read(key, load);
    },
    refresh: read,
    async forget(tags) {
      drop(tags);
      await bus.publishConfirmed(topic, { tags });
    },
  };
}
