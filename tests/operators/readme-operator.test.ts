// The README's first-operator block, run as a newcomer runs it (bash, curl, data/demo/admin-token
// beside it), against a real server; then the sign-in it promises works.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { block, onPort, readmeBlocks } from '../readme/readme-blocks';
import { signIn } from '../helpers/dashboard';
import { startTestServer, type TestServer } from '../helpers/server';

const run = promisify(execFile);
let server: TestServer;
let home: string;

beforeAll(async () => {
  server = await startTestServer();
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-operator-'));
  // The folder `npm run demo` runs in, where the README's first payment creates the operator.
  fs.mkdirSync(path.join(home, 'data', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(home, 'data', 'demo', 'admin-token'), `${server.adminToken}\n`, {
    mode: 0o600,
  });
});
afterAll(async () => {
  await server.close();
  fs.rmSync(home, { recursive: true, force: true });
});

describe('when a newcomer creates the first operator as the README says', () => {
  it('then the operator exists and signs in with the password given there', async () => {
    const code = onPort(block(readmeBlocks(), 'create-operator').code, Number(new URL(server.url).port));
    const { stdout } = await run('bash', ['-e', '-o', 'pipefail', '-c', code], {
      cwd: home,
      env: { PATH: process.env.PATH ?? '' },
    });
    expect(JSON.parse(stdout)).toMatchObject({ user: { email: 'you@example.com', role: 'operator' } });
    const session = await signIn(server.url, 'you@example.com', 'a long passphrase');
    expect(session.status).toBe(201);
  });
});
