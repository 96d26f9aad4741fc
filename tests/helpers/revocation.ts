// Revocations as a deployment meets them: the change is made through one instance (`changeAt`)
// and the sockets are held by another (`followAt`); on one instance both are the same. The
// same stories run on SQLite's one instance, and on two instances with and without Redis.
import axios from 'axios';
import type { Socket } from 'socket.io-client';
import { keysOf } from './accounts';
import { browserFor, createDashboardUser, PASSWORD } from './dashboard';
import { initiateBody, merchantClient, type ProjectKeys } from './merchant';
import { connectProjectStream, refusalOf, type ProjectStream } from './project-stream';
import { connectSubscriber, type Subscriber } from './realtime';

export interface RevocationTargets {
  /** Where the operator makes the change (the admin token's instance). */
  changeAt: string;
  /** Where the sockets are connected. */
  followAt: string;
  adminToken: string;
}

const reasons = new WeakMap<Socket, Promise<string>>();

/** Starts listening for the end of `socket` (before anything could end it). */
function watch<T extends { socket: Socket }>(connected: T): T {
  reasons.set(connected.socket, new Promise((resolve) => connected.socket.once('disconnect', resolve)));
  return connected;
}

/** Resolves with the reason the socket was ended; rejects if it stays open `timeoutMs`. */
export function ended(socket: Socket, timeoutMs = 5000): Promise<string> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    reasons.get(socket)!,
    new Promise<string>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`the socket stayed open ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
}

let seq = 0;
const unique = (what: string) => `${what}-${process.pid}-${(seq += 1)}`;

export function revocationStories(targets: () => RevocationTargets): void {
  const open: Array<{ close(): void }> = [];
  afterEach(() => open.splice(0).forEach((socket) => socket.close()));
  const admin = () => ({ headers: { Authorization: `Bearer ${targets().adminToken}` } });

  async function newProject(): Promise<Record<'test' | 'live', ProjectKeys>> {
    const created = await axios.post(
      `${targets().changeAt}/api/v1/projects`,
      { name: unique('shop') },
      admin(),
    );
    return { test: keysOf(created.data, 'test'), live: keysOf(created.data, 'live') };
  }
  const follow = async (keys: ProjectKeys): Promise<ProjectStream> => {
    const stream = watch(await connectProjectStream(targets().followAt, keys));
    open.push(stream);
    return stream;
  };
  const followPage = async (cookie: string, projectId: string): Promise<ProjectStream> => {
    const at = targets().followAt;
    const stream = await connectProjectStream(
      at,
      { publicKey: '', secretKey: '' },
      { auth: { projectId, mode: 'test' }, headers: { Cookie: cookie, Origin: at } },
    );
    open.push(watch(stream));
    return stream;
  };
  const subscriber = async (): Promise<Subscriber> => {
    const found = watch(await connectSubscriber(targets().followAt));
    open.push(found);
    return found;
  };
  const startPayment = async (keys: ProjectKeys) => {
    // 0700000005: the simulator never calls back, so the payment stays pending and followed.
    const answer = await merchantClient(
      targets().changeAt,
      keys,
    )({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody({ phone: '0700000005' }) });
    expect(answer.status).toBe(201);
    return { id: answer.data.transaction.id as string, clientSecret: answer.data.clientSecret as string };
  };

  describe('when a key pair is rotated', () => {
    it("then the streams opened with the old key end, the other mode's stays, and the old key opens none", async () => {
      const keys = await newProject();
      const oldTest = await follow(keys.test);
      const live = await follow(keys.live);
      const rotated = await axios.post(
        `${targets().changeAt}/api/v1/projects/${keys.test.projectId}/keys/rotate`,
        { mode: 'test' },
        admin(),
      );
      expect(rotated.status).toBe(200);
      expect(await ended(oldTest.socket)).toBe('io server disconnect');
      expect(live.socket.connected).toBe(true);
      expect((await refusalOf(connectProjectStream(targets().followAt, keys.test))).code).toBe(
        'api_key_unknown',
      );
      const fresh = await follow({
        ...keys.test,
        publicKey: rotated.data.publicKey,
        secretKey: rotated.data.secretKey,
      });
      expect(fresh.socket.connected).toBe(true);
    });
  });

  describe('when a key pair is rolled with a grace period', () => {
    const GRACE_SECONDS = 6;
    const roll = (projectId: string, graceSeconds: number) =>
      axios.post(
        `${targets().changeAt}/api/v1/projects/${projectId}/keys/rotate`,
        { mode: 'test', graceSeconds },
        admin(),
      );
    /** A signed read with `keys` at each instance: the status codes, in order. */
    const readsWith = async (keys: ProjectKeys) => {
      const answers = [];
      for (const at of new Set([targets().changeAt, targets().followAt]))
        answers.push(await merchantClient(at, keys)({ method: 'GET', path: '/api/v1/transactions?limit=1' }));
      return answers.map((answer) => ({ status: answer.status, code: answer.data?.error?.code }));
    };
    const instances = () => new Set([targets().changeAt, targets().followAt]).size;

    it('then the old secret signs on every instance until the grace ends and not after, and its streams end then', async () => {
      const keys = await newProject();
      const before = await follow(keys.test);
      const rolled = await roll(keys.test.projectId, GRACE_SECONDS);
      expect(rolled.status).toBe(200);
      const expiresAt = Date.parse(rolled.data.previous.expiresAt);
      expect(rolled.data.previous.publicKey).toBe(keys.test.publicKey);
      expect(expiresAt - Date.now()).toBeGreaterThan((GRACE_SECONDS - 2) * 1000);
      const fresh = { ...keys.test, publicKey: rolled.data.publicKey, secretKey: rolled.data.secretKey };

      // In the grace: both pairs sign everywhere, the old one still opens a stream, and the
      // project lists the old pair with the moment it stops.
      expect(await readsWith(keys.test)).toEqual(Array(instances()).fill({ status: 200, code: undefined }));
      expect(await readsWith(fresh)).toEqual(Array(instances()).fill({ status: 200, code: undefined }));
      const during = await follow(keys.test);
      const listed = (await axios.get(`${targets().followAt}/api/v1/projects`, admin())).data.data.find(
        (project: { id: string }) => project.id === keys.test.projectId,
      );
      expect(listed.retiringKeys).toEqual([
        expect.objectContaining({
          mode: 'test',
          publicKey: keys.test.publicKey,
          expiresAt: rolled.data.previous.expiresAt,
        }),
      ]);
      expect(before.socket.connected).toBe(true);
      // The checks above ran inside the grace (else they proved nothing).
      expect(Date.now()).toBeLessThan(expiresAt);

      // The grace ends: the streams opened with the old key end then, not before.
      for (const stream of [before, during]) {
        expect(await ended(stream.socket, GRACE_SECONDS * 1000 + 5000)).toBe('io server disconnect');
        expect(Date.now()).toBeGreaterThanOrEqual(expiresAt - 50);
      }
      expect(await readsWith(keys.test)).toEqual(
        Array(instances()).fill({ status: 401, code: 'api_key_unknown' }),
      );
      expect((await refusalOf(connectProjectStream(targets().followAt, keys.test))).code).toBe(
        'api_key_unknown',
      );
      expect(await readsWith(fresh)).toEqual(Array(instances()).fill({ status: 200, code: undefined }));
      const listedAfter = (await axios.get(`${targets().followAt}/api/v1/projects`, admin())).data.data.find(
        (project: { id: string }) => project.id === keys.test.projectId,
      );
      expect(listedAfter.retiringKeys).toEqual([]);
    }, 30_000);

    it('then a later roll without grace cuts the pair still in its grace and the current one at once, everywhere', async () => {
      const keys = await newProject();
      const oldest = await follow(keys.test);
      const first = await roll(keys.test.projectId, 3600);
      const middle = { ...keys.test, publicKey: first.data.publicKey, secretKey: first.data.secretKey };
      const middleStream = await follow(middle);
      expect(await readsWith(keys.test)).toEqual(Array(instances()).fill({ status: 200, code: undefined }));

      const second = await roll(keys.test.projectId, 0);
      expect(second.status).toBe(200);
      expect(Date.parse(second.data.previous.expiresAt)).toBeLessThanOrEqual(Date.now());
      expect(await ended(oldest.socket)).toBe('io server disconnect');
      expect(await ended(middleStream.socket)).toBe('io server disconnect');
      for (const gone of [keys.test, middle])
        expect(await readsWith(gone)).toEqual(
          Array(instances()).fill({ status: 401, code: 'api_key_unknown' }),
        );
      expect(second.data.project.retiringKeys).toEqual([]);
    });
  });

  describe('when a project is disabled', () => {
    it("then its streams and its payments' followers end, another project's stay, and neither comes back", async () => {
      const [keys, other] = [await newProject(), await newProject()];
      const payment = await startPayment(keys.test);
      const otherPayment = await startPayment(other.test);
      const follower = await subscriber();
      expect((await follower.subscribe(payment.id, payment.clientSecret)).ok).toBe(true);
      const otherFollower = await subscriber();
      expect((await otherFollower.subscribe(otherPayment.id, otherPayment.clientSecret)).ok).toBe(true);
      const streams = [await follow(keys.test), await follow(keys.live)];
      const otherStream = await follow(other.test);

      const disabled = await axios.patch(
        `${targets().changeAt}/api/v1/projects/${keys.test.projectId}`,
        { disabled: true },
        admin(),
      );
      expect(disabled.status).toBe(200);
      for (const socket of [follower.socket, ...streams.map((stream) => stream.socket)])
        expect(await ended(socket)).toBe('io server disconnect');
      expect([otherFollower.socket.connected, otherStream.socket.connected]).toEqual([true, true]);

      expect((await refusalOf(connectProjectStream(targets().followAt, keys.test))).code).toBe(
        'project_disabled',
      );
      const again = await subscriber();
      expect(await again.subscribe(payment.id, payment.clientSecret)).toMatchObject({
        ok: false,
        error: { code: 'subscription_refused' },
      });
    });
  });

  describe('when a dashboard user is changed', () => {
    let project: ProjectKeys;
    let otherProjectId: string;
    beforeAll(async () => {
      project = (await newProject()).test;
      otherProjectId = (await newProject()).test.projectId;
    });
    const member = async (email: string) =>
      createDashboardUser(
        { url: targets().changeAt, adminToken: targets().adminToken },
        { email, password: PASSWORD, role: 'member', projectIds: [project.projectId] },
      );

    it.each([
      ['disabled', () => ({ disabled: true }), 'session_invalid'],
      ['given a new password', () => ({ password: 'another long passphrase' }), 'session_invalid'],
      ['taken off the project', () => ({ projectIds: [otherProjectId] }), 'project_not_found'],
      // An operator sees every project: its page may follow again, as what it now is.
      ['made an operator', () => ({ role: 'operator' }), undefined],
    ] as const)(
      "when it is %s, then its open pages end on every instance, another user's stay",
      async (_what, change, refusedAs) => {
        const email = `${unique('member')}@shop.example`;
        const bystander = `${unique('member')}@shop.example`;
        const created = await member(email);
        await member(bystander);
        const page = await browserFor(targets().followAt, email);
        const stream = await followPage(page.cookie, project.projectId);
        const other = await followPage(
          (await browserFor(targets().followAt, bystander)).cookie,
          project.projectId,
        );

        const answer = await axios.patch(
          `${targets().changeAt}/api/v1/dashboard/users/${created.data.user.id}`,
          change(),
          admin(),
        );
        expect(answer.status).toBe(200);
        expect(await ended(stream.socket)).toBe('io server disconnect');
        expect(other.socket.connected).toBe(true);
        if (refusedAs)
          expect((await refusalOf(followPage(page.cookie, project.projectId))).code).toBe(refusedAs);
        else expect((await followPage(page.cookie, project.projectId)).socket.connected).toBe(true);
      },
    );

    it('when only its name changes (its projects sent again as they were), then its open page stays and streams on', async () => {
      const email = `${unique('member')}@shop.example`;
      const created = await member(email);
      const stream = await followPage(
        (await browserFor(targets().followAt, email)).cookie,
        project.projectId,
      );
      const renamed = await axios.patch(
        `${targets().changeAt}/api/v1/dashboard/users/${created.data.user.id}`,
        { name: 'Renamed', projectIds: [project.projectId] },
        admin(),
      );
      expect(renamed.status).toBe(200);
      // A payment started after the change reaches the page: it was not let go.
      const payment = await startPayment(project);
      await stream.waitFor(
        (message) => message.kind === 'transaction' && message.body.transaction.id === payment.id,
        'the payment started after the rename',
      );
      expect(stream.socket.connected).toBe(true);
    });
  });

  describe('when a user signs out', () => {
    it("then that session's pages end, the user's other session's stay", async () => {
      const email = `${unique('member')}@shop.example`;
      const projectId = (await newProject()).test.projectId;
      await createDashboardUser(
        { url: targets().changeAt, adminToken: targets().adminToken },
        { email, password: PASSWORD, role: 'member', projectIds: [projectId] },
      );
      const leaving = await browserFor(targets().followAt, email);
      const staying = await browserFor(targets().followAt, email);
      const [left, kept] = [
        await followPage(leaving.cookie, projectId),
        await followPage(staying.cookie, projectId),
      ];
      const signedOut = await axios.delete(`${targets().changeAt}/api/v1/dashboard/session`, {
        headers: { Cookie: leaving.cookie, Origin: targets().changeAt, 'X-CSRF-Token': leaving.csrfToken },
      });
      expect(signedOut.status).toBe(204);
      expect(await ended(left.socket)).toBe('io server disconnect');
      expect(kept.socket.connected).toBe(true);
    });
  });
}
