// The start banner of `npm start` (src/main.ts as its own process): the addresses it prints
// answer, it names the mode and the database, and it says where the generated admin token is
// kept without ever printing the token.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { childEnv } from '../helpers/child-service';
import { freshDataDir, usingPostgres } from '../helpers/database';

const ROOT = path.join(__dirname, '..', '..');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill('SIGKILL')));

/** Starts `src/main.ts`; resolves with everything it printed once `until` matches its stdout. */
function start(
  env: Record<string, string>,
  until: RegExp,
): Promise<{ child: ChildProcess; stdout: () => string; output: () => string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stdout = '';
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (until.test(stdout)) resolve({ child, stdout: () => stdout, output: () => stdout + stderr });
    });
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`exited ${code}: ${stdout}${stderr}`)));
  });
}

describe('when `npm start` runs in simulator mode with pretty logs and no ADMIN_TOKEN', () => {
  it('then the banner gives the URL, the reference, the mode and database, and the admin token file (not the token)', async () => {
    const dataDir = freshDataDir();
    const { output } = await start(
      {
        NODE_ENV: 'development',
        LOG_FORMAT: 'pretty',
        HOST: '0.0.0.0',
        PORT: '0',
        DATA_DIR: dataDir,
        DATABASE_URL: `file:${path.join(dataDir, 'test.db')}`,
      },
      /Daraja: .*\n/,
    );
    const text = output();
    const tokenFile = path.join(dataDir, 'admin-token');
    const token = fs.readFileSync(tokenFile, 'utf8').trim();
    expect(token).toMatch(/^adm_/);
    expect(text).not.toContain(token);

    const api = /API: +(http:\/\/localhost:\d+)\n/.exec(text)?.[1];
    expect(api).toBeDefined();
    expect(text).toContain('mpesa-bridge is up: simulator mode');
    expect(text).toContain(', SQLite\n');
    expect(text).toContain(`Reference:    ${api}/docs\n`);
    expect(text).toContain(`Dashboard:    ${api}/dashboard/\n`);
    expect(text).toContain(`Admin token:  in ${tokenFile} (for curl: ADMIN=$(cat ${tokenFile}))`);

    // The printed addresses answer: the root leads to the dashboard, which links the reference.
    const root = await fetch(`${api}/`, { redirect: 'manual' });
    expect({ status: root.status, location: root.headers.get('location') }).toEqual({
      status: 302,
      location: '/dashboard/',
    });
    expect((await fetch(`${api}/dashboard/`)).status).toBe(200);
    expect((await fetch(`${api}/docs`)).status).toBe(200);
  });
});

describe('when it runs with JSON logs and a configured ADMIN_TOKEN', () => {
  it('then one log line carries the same facts as fields, no human block and no token', async () => {
    const env = childEnv();
    const { output } = await start(env, /"message":"mpesa-bridge listening".*\n/);
    const text = output();
    const line = text.split('\n').find((entry) => entry.includes('"mpesa-bridge listening"'))!;
    const fields = JSON.parse(line) as Record<string, string>;
    expect(fields).toMatchObject({
      mode: 'simulator',
      database: usingPostgres() ? 'postgresql' : 'sqlite',
      url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/),
    });
    expect(fields.docs).toBe(`${fields.url}/docs`);
    expect(fields.dashboard).toBe(`${fields.url}/dashboard/`);
    expect(fields).not.toHaveProperty('adminCredentialsFile');
    expect(text).not.toContain(env.ADMIN_TOKEN);
    expect(text).not.toContain('mpesa-bridge is up');
  });
});
