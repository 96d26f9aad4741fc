// What signed requests read is held in each instance (src/bus/bus.cache.ts) and forgotten on
// every instance before a change is answered: a rotated key, a disabled (or enabled again)
// project, a new default account. First the cache's own rules with a bus whose state the test
// sets, then the stories on the real service: two instances on one PostgreSQL database, the
// change made through one and the next request sent at once to the other (one instance on
// SQLite, which is one process by definition).
import axios from 'axios';
import { countRoundTrips, roundTrips, tripsBetween } from '../../bench/round-trips';
import { createLocalBus, type Bus, type BusHandler } from '../../src/bus/bus';
import { createInstanceCache, MAX_AGE_MS } from '../../src/bus/bus.cache';
import { accountBody } from '../helpers/accounts';
import { usingPostgres } from '../helpers/database';
import { createProject, initiateBody, merchantClient, type ProjectKeys } from '../helpers/merchant';
import { sameDatabase, startTestServer, type TestServer } from '../helpers/server';

/** A bus as one instance sees it, its connection up or down as the test says; what it was asked to publish. */
function testBus() {
  const handlers = new Map<string, BusHandler>();
  const reconnected: Array<() => void> = [];
  const published: unknown[] = [];
  let up = true;
  const bus: Bus = {
    ...createLocalBus(),
    kind: 'postgres',
    subscribe: (topic, handler) => (handlers.set(topic, handler), () => undefined),
    publishConfirmed: async (_topic, body) => void published.push(body),
    listening: () => up,
    onReconnected: (listener) => void reconnected.push(listener),
  };
  return {
    bus,
    published,
    /** Another instance forgot something. */
    fromPeer: (topic: string, body: unknown) => handlers.get(topic)!(body, 'peer'),
    down: () => (up = false),
    back: () => {
      up = true;
      reconnected.forEach((listener) => listener());
    },
  };
}

describe('the cache of one instance', () => {
  const options = { name: 'test', tagsOf: (key: string) => [`key:${key}`] };
  const counting = (value: string | undefined) => {
    const loader = async () => {
      loader.loads += 1;
      return value;
    };
    loader.loads = 0;
    return loader;
  };

  it('when a value is held, then it is served without a load; a miss is never held', async () => {
    const { bus } = testBus();
    const cache = createInstanceCache<string>(bus, options);
    const load = counting('v1');
    expect([await cache.get('a', load), await cache.get('a', load)]).toEqual(['v1', 'v1']);
    expect(load.loads).toBe(1);
    const miss = counting(undefined);
    await cache.get('unknown', miss);
    await cache.get('unknown', miss);
    expect(miss.loads).toBe(2);
  });

  it('when this instance forgets, then the value is loaded again and the forget is published for every instance', async () => {
    const { bus, published } = testBus();
    const cache = createInstanceCache<string>(bus, options);
    await cache.get('a', counting('old'));
    await cache.forget(['key:a']);
    expect(await cache.get('a', counting('new'))).toBe('new');
    expect(published).toEqual([{ tags: ['key:a'] }]);
  });

  it('when another instance forgets, then the value is loaded again here', async () => {
    const test = testBus();
    const cache = createInstanceCache<string>(test.bus, options);
    await cache.get('a', counting('old'));
    await test.fromPeer('cache.forget:test', { tags: ['key:a'] });
    expect(await cache.get('a', counting('new'))).toBe('new');
  });

  it('when a forget arrives while a load is on its way, then what the load read is not held', async () => {
    const test = testBus();
    const cache = createInstanceCache<string>(test.bus, options);
    let finish: (value: string) => void = () => undefined;
    const slow = cache.get('a', () => new Promise<string>((resolve) => (finish = resolve)));
    await test.fromPeer('cache.forget:test', { tags: ['key:a'] });
    finish('read before the change');
    expect(await slow).toBe('read before the change');
    expect(await cache.get('a', counting('after'))).toBe('after');
  });

  it('when the bus connection is down, then nothing is served from the cache or held, and all is dropped when it is back', async () => {
    const test = testBus();
    const cache = createInstanceCache<string>(test.bus, options);
    await cache.get('a', counting('held'));
    test.down();
    const load = counting('fresh');
    expect([await cache.get('a', load), await cache.get('a', load)]).toEqual(['fresh', 'fresh']);
    expect(load.loads).toBe(2);
    test.back();
    expect(await cache.get('a', counting('after'))).toBe('after');
  });

  it(`when a value is older than ${MAX_AGE_MS / 1000} s, then it is loaded again`, async () => {
    let now = 0;
    const cache = createInstanceCache<string>(testBus().bus, { ...options, now: () => now });
    await cache.get('a', counting('old'));
    now = MAX_AGE_MS;
    expect(await cache.get('a', counting('new'))).toBe('new');
  });
});

describe('when signers and accounts are cached by the instances of a deployment', () => {
  let changeAt: TestServer;
  let followAt: TestServer;
  let keys: ProjectKeys;
  const instances = usingPostgres() ? 'two instances on PostgreSQL' : 'one instance on SQLite';
  beforeAll(async () => {
    countRoundTrips();
    changeAt = await startTestServer({ RATE_LIMIT_MAX: '1000000' });
    followAt = usingPostgres()
      ? await startTestServer({ ...sameDatabase(changeAt), RATE_LIMIT_MAX: '1000000' })
      : changeAt;
    keys = await createProject(changeAt.url, changeAt.adminToken);
  });
  afterAll(async () => {
    if (followAt !== changeAt) await followAt?.close();
    await changeAt?.close();
  });
  const admin = () => ({
    headers: { Authorization: `Bearer ${changeAt.adminToken}` },
    validateStatus: () => true,
  });
  const list = (with_: ProjectKeys) =>
    merchantClient(followAt.url, with_)({ method: 'GET', path: '/api/v1/transactions' });

  it(`then (${instances}) a key in use is read from the database once, not per request`, async () => {
    expect((await list(keys)).status).toBe(200);
    const before = roundTrips();
    for (let i = 0; i < 5; i += 1) expect((await list(keys)).status).toBe(200);
    if (usingPostgres()) expect(tripsBetween(before, roundTrips()).byKind['SELECT ApiKey'] ?? 0).toBe(0);
  });

  it(`then (${instances}) a rotated key is refused at once where it was cached, and the new one works`, async () => {
    const fresh = await createProject(changeAt.url, changeAt.adminToken);
    expect((await list(fresh)).status).toBe(200);
    const rotated = await axios.post(
      `${changeAt.url}/api/v1/projects/${fresh.projectId}/keys/rotate`,
      { mode: 'test' },
      admin(),
    );
    expect(rotated.status).toBe(200);
    // No wait: the rotation was answered only once every instance had forgotten the old key.
    const old = await list(fresh);
    expect([old.status, old.data.error?.code]).toEqual([401, 'api_key_unknown']);
    const renewed = { ...fresh, publicKey: rotated.data.publicKey, secretKey: rotated.data.secretKey };
    expect((await list(renewed)).status).toBe(200);
  });

  it(`then (${instances}) a disabled project is refused at once where its key was cached, and served again at once when enabled`, async () => {
    const fresh = await createProject(changeAt.url, changeAt.adminToken);
    expect((await list(fresh)).status).toBe(200);
    const patch = (disabled: boolean) =>
      axios.patch(`${changeAt.url}/api/v1/projects/${fresh.projectId}`, { disabled }, admin());
    expect((await patch(true)).status).toBe(200);
    const refused = await list(fresh);
    expect(refused.data.error?.code).toBe('project_disabled');
    expect((await patch(false)).status).toBe(200);
    expect((await list(fresh)).status).toBe(200);
  });

  it(`then (${instances}) a new default account is the one the next payment uses, wherever it is started`, async () => {
    const fresh = await createProject(changeAt.url, changeAt.adminToken);
    const initiate = () =>
      merchantClient(
        followAt.url,
        fresh,
      )({
        method: 'POST',
        path: '/api/v1/transactions/initiate',
        body: initiateBody({ phone: '0700000005' }),
      });
    const before = await initiate();
    expect(before.status).toBe(201);
    expect(before.data.transaction.accountId ?? null).toBeNull();
    const added = await merchantClient(
      changeAt.url,
      fresh,
    )({
      method: 'POST',
      path: '/api/v1/mpesa-accounts',
      body: accountBody({ isDefault: true }),
    });
    expect(added.status).toBe(201);
    const after = await initiate();
    expect(after.status).toBe(201);
    expect(after.data.transaction.accountId).toBe(added.data.account.id);
  });
});
