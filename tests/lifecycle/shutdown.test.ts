// SIGTERM on the real process (`npm start`'s entry point as a child process): an in-flight
// request finishes, then the process exits 0.
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { freshDataDir, freshDatabaseUrl } from '../helpers/database';
import { createProject, initiateBody, merchantClient } from '../helpers/merchant';
import { startSlowDaraja } from '../helpers/fake-daraja';

const ROOT = path.join(__dirname, '..', '..');

function startProcess(env: Record<string, string>): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output);
      if (match) resolve({ child, url: `http://127.0.0.1:${match[1]}` });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${output}`)));
  });
}

describe('when the process receives SIGTERM during a request', () => {
  it('then the request completes and the process exits cleanly', async () => {
    const daraja = await startSlowDaraja(800);
    const dataDir = freshDataDir();
    const adminToken = `adm_${randomBytes(18).toString('hex')}`;
    const { child, url } = await startProcess({
      NODE_ENV: 'production',
      LOG_FORMAT: 'json',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      DATABASE_URL: freshDatabaseUrl(dataDir),
      ADMIN_TOKEN: adminToken,
      MASTER_KEY: randomBytes(32).toString('hex'),
      MPESA_BASE_URL: daraja.url,
    });
    try {
      const merchant = merchantClient(url, await createProject(url, adminToken));
      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      const inFlight = merchant({ method: 'POST', path: '/api/v1/transactions/initiate', body: initiateBody() });
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(daraja.pushes()).toBe(1);
      child.kill('SIGTERM');

      const response = await inFlight;
      expect(response.status).toBe(201);
      expect(response.data.transaction.checkoutRequestId).toBe('ws_CO_SLOW1');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await daraja.close();
    }
  });
});
