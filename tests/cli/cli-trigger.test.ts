// `trigger <outcome>` through the real binary against a real server: a test payment ends as
// named, the simulator's phone numbers stay out of sight, and live keys are told why not.
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { keysOf } from '../helpers/accounts';
import { adminHeaders } from '../helpers/http-edges';
import { loggedInHome, parseJson, runCli, type CliHome } from './cli-runner';

let server: TestServer;
let home: CliHome;

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'Trigger shop' },
    { headers: adminHeaders(server) },
  );
  home = await loggedInHome(server.url, keysOf(created.data, 'test'));
  await loggedInHome(server.url, keysOf(created.data, 'live'), 'live', home);
});
afterAll(() => server.close());

describe('when a developer triggers a test payment by outcome', () => {
  it('then `trigger paid` ends completed with a receipt (exit 0)', async () => {
    const result = await runCli(['trigger', 'paid'], { env: home.env() });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/✔ Paid KES 10, receipt [A-Z0-9]{10}/);
    expect(result.stdout).not.toMatch(/2547\d{8}/);
  });

  it('then `trigger cancelled --json` ends cancelled by the customer, as JSON', async () => {
    const result = await runCli(['trigger', 'cancelled', '--amount', '25', '--ref', 'INV42', '--json'], {
      env: home.env(),
    });
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      outcome: 'cancelled',
      transaction: {
        status: 'cancelled',
        amount: 25,
        accountReference: 'INV42',
        failure: { code: 'cancelled_by_customer' },
      },
    });
  });

  it('then a refused push (subscriber-locked) is the outcome played, with the reason', async () => {
    const result = await runCli(['trigger', 'subscriber-locked', '--json'], { env: home.env() });
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      pushRefused: { code: 'mpesa_subscriber_busy' },
      transaction: { status: 'failed' },
    });
  });

  it('then --list shows the outcomes, and an unknown one is a usage error naming them', async () => {
    const listed = await runCli(['trigger', '--list', '--json'], { env: home.env() });
    expect(parseJson(listed.stdout).data.map((o: { name: string }) => o.name)).toEqual(
      expect.arrayContaining(['paid', 'cancelled', 'wrong-pin', 'no-callback', 'amount-mismatch']),
    );
    const unknown = await runCli(['trigger', 'rich-uncle'], { env: home.env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/validation_failed/);
    expect(unknown.stderr).toMatch(/trigger --list/);
  });

  it('then with live keys it refuses clearly: test_mode_only, exit 3, and how to use test keys', async () => {
    const result = await runCli(['trigger', 'paid', '--profile', 'live'], { env: home.env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/live keys/);
    expect(result.stderr).toMatch(/code test_mode_only, HTTP 403, request req_/);
    expect(result.stderr).toMatch(/fix: .*pk_test_/);
  });
});
