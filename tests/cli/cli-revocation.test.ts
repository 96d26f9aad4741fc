// `listen` and `tail` last only as long as the keys they were started with: rotating the pair
// or disabling the project ends them at once, saying why, instead of streaming on.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { loggedInHome, startCli, type RunningCli } from './cli-runner';

let server: TestServer;
const running: RunningCli[] = [];

beforeAll(async () => {
  server = await startTestServer();
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((cli) => cli.stop()));
});
afterAll(() => server.close());

async function following(command: 'tail' | 'listen') {
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: `Revoked ${command}` },
    { headers: adminHeaders(server) },
  );
  const keys = keysOf(created.data, 'test');
  const home = await loggedInHome(server.url, keys);
  const args = command === 'tail' ? ['tail'] : ['listen', '--forward-to', 'http://127.0.0.1:9/hooks'];
  const cli = startCli(args, { env: home.env() });
  running.push(cli);
  const exited = new Promise<number | null>((resolve) => cli.child.once('close', resolve));
  if (command === 'tail') await cli.waitFor(/Following test-mode/, 'stderr');
  else await cli.waitFor(/signing secret for this session: whsec_/);
  return { cli, keys, exited };
}

describe('when the key pair tail follows with is rotated', () => {
  it('then tail ends, naming the refusal of its old key', async () => {
    const { cli, keys, exited } = await following('tail');
    await axios.post(
      `${server.url}/api/v1/projects/${keys.projectId}/keys/rotate`,
      { mode: 'test' },
      { headers: adminHeaders(server) },
    );
    expect(await exited).not.toBe(0);
    expect(cli.stderr()).toMatch(/refused the handshake: No project has this public key/);
  });
});

describe('when the project listen follows is disabled', () => {
  it('then listen ends, saying the project is disabled', async () => {
    const { cli, keys, exited } = await following('listen');
    await axios.patch(
      `${server.url}/api/v1/projects/${keys.projectId}`,
      { disabled: true },
      { headers: adminHeaders(server) },
    );
    expect(await exited).not.toBe(0);
    expect(cli.stderr()).toMatch(/refused the handshake: This project is disabled/);
  });
});
