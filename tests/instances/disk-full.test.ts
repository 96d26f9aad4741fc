// /ready tells a balancer when the database's disk is full (writes would fail while /health
// still says ok), and a write refused for want of room answers 503 service_unavailable with
// `details.reason: "disk_full"` on both engines. The disk is a small tmpfs of the test's own,
// filled by the test (mounting needs root):
// - SQLite: the data folder is on it;
// - PostgreSQL: a tablespace is on it, and the test's schema keeps there the table /ready's
//   probe writes to and the payments table (the server, on this machine, must be able to reach
//   the mount: its OS user `postgres` owns it).
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import pg from 'pg';
import { CALLBACK_PATH } from '../../src/callbacks/callback.routes';
import { successCallback, postCallback } from '../helpers/callbacks';
import { usingPostgres } from '../helpers/database';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { startTestServer, type TestServer } from '../helpers/server';

const MOUNT_SIZE = '16m';

function mountTmpfs(): string | undefined {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-disk-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${MOUNT_SIZE}`, 'tmpfs', dir], { stdio: 'ignore' });
    return dir;
  } catch {
    fs.rmSync(dir, { recursive: true, force: true });
    return undefined;
  }
}

function unmount(dir: string) {
  execFileSync('umount', ['-l', dir]);
  fs.rmSync(dir, { recursive: true, force: true });
}

/** Writes `file` until the disk refuses a byte more (ENOSPC), down to tmpfs's page size. */
function fillDisk(file: string) {
  const fd = fs.openSync(file, 'w');
  try {
    for (const size of [64 * 1024, 4096, 512]) {
      const block = Buffer.alloc(size, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      }
    }
  } finally {
    fs.closeSync(fd);
  }
}

const get = (url: string) => axios.get(url, { validateStatus: () => true });

/** Whether this process may mount (root, with the capability): tried once at load, undone at once. */
function canMount(): boolean {
  const dir = mountTmpfs();
  if (dir) unmount(dir);
  return dir !== undefined;
}

const mountable = canMount();
const describeWithMount = mountable ? describe : describe.skip;

describeWithMount(
  'GET /ready when the SQLite disk fills up (a tmpfs of its own; needs root to mount)',
  () => {
    let server: TestServer;
    let mounted: string;
    let filler: string;
    /** What the service logged (the refusal's line names the error's code). */
    const logLines: string[] = [];
    beforeAll(async () => {
      mounted = mountTmpfs()!;
      filler = path.join(mounted, 'filler');
      server = await startTestServer(
        { DATA_DIR: mounted, DATABASE_URL: `file:${mounted}/bridge.db` },
        { logLines },
      );
    });
    afterAll(async () => {
      await server?.close();
      if (mounted) unmount(mounted);
    });

    const ready = () => get(`${server.url}/ready`);

    it('when the disk is full, then /ready answers 503 disk_full while /health answers 200, and 200 again once there is room', async () => {
      expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
      fillDisk(filler);
      expect(await ready()).toMatchObject({ status: 503, data: { status: 'disk_full' } });
      expect((await axios.get(`${server.url}/health`)).status).toBe(200);

      fs.rmSync(filler);
      expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
    }, 30_000);

    it('when the disk is full, then a write answers 503 service_unavailable with reason disk_full and Retry-After, and is taken again once there is room', async () => {
      fillDisk(filler);
      // Callbacks are never rate-limited and each is stored: the WAL takes them while its
      // file has room, then SQLite answers SQLITE_FULL.
      const padding = 'x'.repeat(1500);
      const post = (i: number) =>
        postCallback(server.url, CALLBACK_PATH, {
          ...successCallback(`ws_CO_DISKFULL${i}`, 10),
          padding,
        });
      let refused: Awaited<ReturnType<typeof post>> | undefined;
      for (let i = 0; i < 5000 && !refused; i += 1) {
        const answer = await post(i);
        if (answer.status !== 200) refused = answer;
      }
      expect(refused?.status).toBe(503);
      expect(refused?.data.error.code).toBe('service_unavailable');
      // Should the reason be another, the failure shows what the service logged about it.
      const logged = logLines.filter((line) => /callback refused|request failed/.test(line)).slice(-2);
      const reason = refused?.data.error.details?.reason;
      expect(reason === 'disk_full' ? reason : { reason, logged }).toBe('disk_full');
      expect(JSON.parse(logged[0]!).error).toMatchObject({ code: 'SQLITE_FULL' });
      expect(Number(refused?.headers['retry-after'])).toBeGreaterThan(0);

      fs.rmSync(filler);
      expect((await post(-1)).data).toEqual({ ResultCode: 0, ResultDesc: 'Accepted' });
    }, 60_000);
  },
);

/** Why the PostgreSQL case cannot run here, or undefined when it can. */
function postgresDiskMissing(): string | undefined {
  if (!usingPostgres()) return 'TEST_DATABASE_URL is not a PostgreSQL URL';
  if (!mountable) return 'cannot mount a tmpfs (needs root)';
  const host = new URL(process.env.TEST_DATABASE_URL!).hostname;
  if (!['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host))
    return `PostgreSQL at ${host} is not on this machine: its server cannot see a local mount`;
  try {
    execFileSync('id', ['-u', 'postgres'], { stdio: 'ignore' });
  } catch {
    return 'no OS user postgres to own the tablespace folder';
  }
  return undefined;
}

const postgresMissing = postgresDiskMissing();
const describePostgresDisk = postgresMissing
  ? (name: string) =>
      describe(name, () => {
        it.skip(`skipped: ${postgresMissing}`, () => undefined);
      })
  : describe;

describePostgresDisk('GET /ready when PostgreSQL has no room to write (a tablespace on a tmpfs)', () => {
  const tablespace = `test_full_${randomBytes(4).toString('hex')}`;
  /** The tables the test keeps on the small disk: /ready's probe and the payments. */
  const MOVED = ['_bridge_ready_probe', 'Transaction'];
  let dir: string | undefined;
  let admin: pg.Client;
  let server: TestServer | undefined;
  let schema: string;
  let tablespaceMade = false;

  beforeAll(async () => {
    dir = mountTmpfs();
    if (!dir) throw new Error('could not mount a tmpfs as root');
    execFileSync('chown', ['postgres:postgres', dir]);
    fs.chmodSync(dir, 0o700);
    admin = new pg.Client({ connectionString: process.env.TEST_DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE TABLESPACE "${tablespace}" LOCATION '${dir}'`);
    tablespaceMade = true;
    server = await startTestServer();
    schema = new URL(server.config.databaseUrl).searchParams.get('schema')!;
    for (const table of MOVED)
      await admin.query(`ALTER TABLE "${schema}"."${table}" SET TABLESPACE "${tablespace}"`);
  }, 60_000);

  afterAll(async () => {
    await server?.close();
    if (admin) {
      if (server)
        for (const table of MOVED)
          await admin.query(`ALTER TABLE "${schema}"."${table}" SET TABLESPACE pg_default`);
      if (tablespaceMade) await admin.query(`DROP TABLESPACE "${tablespace}"`);
      await admin.end();
    }
    if (dir) unmount(dir);
  }, 60_000);

  it('when the disk under its tables is full, then /ready answers 503 disk_full and a payment 503 service_unavailable with reason disk_full; with room again, 200 and 201', async () => {
    const filler = path.join(dir!, 'filler');
    const ready = () => get(`${server!.url}/ready`);
    const merchant = merchantClient(server!.url, await createProject(server!.url, server!.adminToken));
    const initiate = () =>
      merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() });
    expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });

    fillDisk(filler);
    expect(await ready()).toMatchObject({ status: 503, data: { status: 'disk_full' } });
    expect((await axios.get(`${server!.url}/health`)).status).toBe(200);
    const refused = await initiate();
    expect(refused.status).toBe(503);
    expect(refused.data.error).toMatchObject({
      code: 'service_unavailable',
      details: { reason: 'disk_full' },
    });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);

    fs.rmSync(filler);
    expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
    expect((await initiate()).status).toBe(201);
  }, 60_000);
});
