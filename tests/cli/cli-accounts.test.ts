// `mpesa-bridge accounts` through the real binary, on a simulator deployment: add a till with
// the credentials from the environment, list it masked, check it (a live OAuth call to the
// simulator, exit 0), disable and enable it, make it the default; missing credentials exit 2.
import { startTestServer, type TestServer } from '../helpers/server';
import { freshHome, parseJson, runCli, type CliHome } from './cli-runner';

let server: TestServer;
let home: CliHome;
const CREDENTIALS = {
  MPESA_CONSUMER_KEY: 'cli-till-consumer-key-01',
  MPESA_CONSUMER_SECRET: 'cli-till-consumer-secret-01',
  MPESA_PASSKEY: 'cli-till-passkey-0000000001',
};
const cli = async (args: string[], extra: Record<string, string> = {}) =>
  runCli(args, { env: home.env(extra) });

beforeAll(async () => {
  server = await startTestServer();
  home = freshHome();
  const login = await runCli(['login', '--url', server.url, '--new-project', 'CLI till shop'], {
    env: home.env({ MPESA_BRIDGE_ADMIN_TOKEN: server.adminToken }),
  });
  expect(login.code).toBe(0);
});
afterAll(() => server.close());

describe('mpesa-bridge accounts', () => {
  let id = '';

  it('when a till is added with credentials from the environment, then it is listed with them masked', async () => {
    const added = await cli(
      ['--json', 'accounts', 'add', '--name', 'Shop till', '--shortcode', '600900', '--till', '9009001'],
      CREDENTIALS,
    );
    expect(added.code).toBe(0);
    const { account } = parseJson(added.stdout);
    id = account.id;
    expect(account).toMatchObject({ environment: 'simulator', tillNumber: '9009001', isDefault: true });
    const listed = await cli(['accounts', 'list']);
    expect(listed.stdout).toContain(id);
    expect(listed.stdout).toContain('default');
    for (const secret of Object.values(CREDENTIALS))
      expect(listed.stdout + added.stdout).not.toContain(secret);
  });

  it('when it is checked, then the simulator accepts its credentials (exit 0)', async () => {
    const checked = await cli(['accounts', 'check', id]);
    expect(checked.code).toBe(0);
    expect(checked.stdout).toMatch(/accepted simulator, \d+ ms: this deployment's simulator issued a token/);
  });

  it('when it is disabled, enabled and made the default again, then the list says so each time', async () => {
    expect((await cli(['accounts', 'disable', id])).stdout).toContain('disabled');
    const enabled = parseJson((await cli(['--json', 'accounts', 'enable', id])).stdout);
    expect(enabled.account).toMatchObject({ disabledAt: null, isDefault: false });
    const made = parseJson((await cli(['--json', 'accounts', 'default', id])).stdout);
    expect(made.account.isDefault).toBe(true);
  });

  it('when credentials are missing, then add says where to put them (exit 2)', async () => {
    const result = await cli(['accounts', 'add', '--name', 'No creds', '--shortcode', '600901']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MPESA_CONSUMER_SECRET');
  });
});
