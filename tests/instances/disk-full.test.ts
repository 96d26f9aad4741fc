// /ready tells a balancer when the disk SQLite writes to is full (writes would fail while
// /health still says ok). The data folder is a small tmpfs of its own, filled by the test.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
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

const mounted = mountTmpfs();
const describeWithMount = mounted ? describe : describe.skip;

describeWithMount(
  'GET /ready when the SQLite disk fills up (a tmpfs of its own; needs root to mount)',
  () => {
    let server: TestServer;
    const filler = path.join(mounted ?? '', 'filler');
    beforeAll(async () => {
      server = await startTestServer({ DATA_DIR: mounted!, DATABASE_URL: `file:${mounted}/bridge.db` });
    });
    afterAll(async () => {
      await server?.close();
      execFileSync('umount', ['-l', mounted!]);
      fs.rmSync(mounted!, { recursive: true, force: true });
    });

    const ready = () => axios.get(`${server.url}/ready`, { validateStatus: () => true });

    it('when the disk is full, then /ready answers 503 disk_full while /health answers 200, and 200 again once there is room', async () => {
      expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
      // Fill every free block: the write stops with ENOSPC.
      const fd = fs.openSync(filler, 'w');
      const block = Buffer.alloc(64 * 1024, 1);
      try {
        for (;;) fs.writeSync(fd, block);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        fs.closeSync(fd);
      }
      expect(await ready()).toMatchObject({ status: 503, data: { status: 'disk_full' } });
      expect((await axios.get(`${server.url}/health`)).status).toBe(200);

      fs.rmSync(filler);
      expect(await ready()).toMatchObject({ status: 200, data: { status: 'ready' } });
    }, 30_000);
  },
);
