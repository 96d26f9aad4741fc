// The CLI driven as a user drives it, against a real server: login keeps a profile only its
// owner can read and never shows the secret, keys come from a profile or the environment,
// --json parses, errors carry the service's code and request id, exit codes hold, and every
// command's --help has an example.
import fs from 'node:fs';
import path from 'node:path';
import axios from 'axios';
import { startTestServer, type TestServer } from '../helpers/server';
import { keysOf } from '../helpers/accounts';
import { eventually } from '../helpers/realtime';
import { adminHeaders } from '../helpers/http-edges';
import type { ProjectKeys } from '../helpers/merchant';
import {
  deadUrl,
  freshHome,
  loggedInHome,
  parseJson,
  runCli,
  runCliOnTerminal,
  type CliHome,
} from './cli-runner';

let server: TestServer;
let keys: ProjectKeys;
let liveKeys: ProjectKeys;
let home: CliHome;

beforeAll(async () => {
  server = await startTestServer();
  const created = await axios.post(
    `${server.url}/api/v1/projects`,
    { name: 'CLI shop' },
    { headers: adminHeaders(server) },
  );
  keys = keysOf(created.data, 'test');
  liveKeys = keysOf(created.data, 'live');
  home = await loggedInHome(server.url, keys);
});
afterAll(() => server.close());

describe('when a developer logs in', () => {
  it('then the profile is saved owner-only (file 0600, folder 0700) and the secret is never printed', async () => {
    const fresh = freshHome();
    const result = await runCli(
      ['login', '--url', server.url, '--public-key', keys.publicKey, '--secret-key-stdin'],
      { env: fresh.env(), input: `${keys.secretKey}\n` },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain(`Logged in to ${server.url}`);
    expect(result.stdout + result.stderr).not.toContain(keys.secretKey);

    expect(fs.statSync(fresh.configFile).mode & 0o777).toBe(0o600);
    expect(fs.statSync(path.dirname(fresh.configFile)).mode & 0o777).toBe(0o700);
    const saved = parseJson(fs.readFileSync(fresh.configFile, 'utf8'));
    expect(saved.profiles.default).toMatchObject({
      url: server.url,
      publicKey: keys.publicKey,
      secretKey: keys.secretKey,
      mode: 'test',
    });
  });

  it('then XDG_CONFIG_HOME decides where, and --json says where without the secret', async () => {
    const fresh = freshHome();
    const xdg = path.join(fresh.dir, 'xdg');
    const result = await runCli(
      [
        'login',
        '--json',
        '--url',
        server.url,
        '--public-key',
        keys.publicKey,
        '--secret-key-stdin',
        '--profile',
        'shop',
      ],
      { env: fresh.env({ XDG_CONFIG_HOME: xdg }), input: keys.secretKey },
    );
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toEqual({
      profile: 'shop',
      url: server.url,
      publicKey: keys.publicKey,
      mode: 'test',
      configFile: path.join(xdg, 'mpesa-bridge', 'config.json'),
    });
    expect(result.stdout).not.toContain(keys.secretKey);
  });

  it('then a wrong secret is refused with the service’s code and request id, and nothing is saved', async () => {
    const fresh = freshHome();
    const result = await runCli(
      ['login', '--json', '--url', server.url, '--public-key', keys.publicKey, '--secret-key-stdin'],
      { env: fresh.env(), input: 'sk_test_not_the_right_secret' },
    );
    expect(result.code).toBe(3);
    const error = parseJson(result.stderr).error;
    expect(error).toMatchObject({
      code: 'signature_invalid',
      requestId: expect.stringMatching(/^req_/),
      status: 401,
    });
    expect(result.stderr).not.toContain('sk_test_not_the_right_secret');
    expect(fs.existsSync(fresh.configFile)).toBe(false);
  });

  it('then --new-project creates a project with the admin token and logs in with its test keys', async () => {
    const fresh = freshHome();
    const tokenFile = path.join(fresh.dir, 'admin-token');
    fs.writeFileSync(tokenFile, server.adminToken);
    const result = await runCli(
      [
        'login',
        '--json',
        '--url',
        server.url,
        '--new-project',
        'Fresh shop',
        '--admin-token-file',
        tokenFile,
      ],
      { env: fresh.env() },
    );
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({
      projectId: expect.stringMatching(/^prj_/),
      publicKey: expect.stringMatching(/^pk_test_/),
      mode: 'test',
    });
    expect(result.stdout).not.toMatch(/sk_test_/);
  });
});

describe('when keys come from elsewhere than the default profile', () => {
  it('then a command without any is a usage error (exit 2) that says to log in', async () => {
    const result = await runCli(['transactions', 'list'], { env: freshHome().env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/Not logged in/);
    expect(result.stderr).toMatch(/mpesa-bridge login/);
  });

  it('then MPESA_BRIDGE_URL and the key variables work with no profile at all', async () => {
    const env = freshHome().env({
      MPESA_BRIDGE_URL: server.url,
      MPESA_BRIDGE_PUBLIC_KEY: keys.publicKey,
      MPESA_BRIDGE_SECRET_KEY: keys.secretKey,
    });
    const result = await runCli(['transactions', 'list', '--json'], { env });
    expect(result.code).toBe(0);
    expect(parseJson(result.stdout)).toMatchObject({ data: expect.any(Array), nextCursor: null });
  });

  it('then the key variables override the saved profile, and MPESA_BRIDGE_PROFILE picks one', async () => {
    // The saved default profile holds test keys; live keys in the environment win over it.
    const overridden = await runCli(['trigger', 'paid', '--json'], {
      env: home.env({
        MPESA_BRIDGE_PUBLIC_KEY: liveKeys.publicKey,
        MPESA_BRIDGE_SECRET_KEY: liveKeys.secretKey,
      }),
    });
    expect(overridden.code).toBe(3);
    expect(parseJson(overridden.stderr).error.code).toBe('test_mode_only');
    const unknown = await runCli(['transactions', 'list'], {
      env: home.env({ MPESA_BRIDGE_PROFILE: 'nope' }),
    });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No profile "nope"/);
  });

  it('then --profile picks another saved profile, and an unknown one is a usage error', async () => {
    await loggedInHome(server.url, liveKeys, 'live', home);
    const live = await runCli(['trigger', 'paid', '--profile', 'live', '--json'], { env: home.env() });
    expect(live.code).toBe(3);
    expect(parseJson(live.stderr).error).toMatchObject({
      code: 'test_mode_only',
      requestId: expect.stringMatching(/^req_/),
    });
    const unknown = await runCli(['transactions', 'list', '--profile', 'nope'], { env: home.env() });
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/No profile "nope"/);
  });
});

describe('when the API commands are used', () => {
  it('then pay waits for the customer: exit 0 with the receipt when paid, 1 with the reason when cancelled', async () => {
    const paid = await runCli(['pay', '--phone', '0712345678', '--amount', '10', '--ref', 'INV1', '--json'], {
      env: home.env(),
    });
    expect(paid.code).toBe(0);
    const { transaction } = parseJson(paid.stdout);
    expect(transaction).toMatchObject({
      status: 'completed',
      amount: 10,
      accountReference: 'INV1',
      mpesaReceiptNumber: expect.any(String),
    });

    const cancelled = await runCli(['pay', '--phone', '0700000001', '--amount', '10', '--ref', 'INV2'], {
      env: home.env(),
    });
    expect(cancelled.code).toBe(1);
    expect(cancelled.stdout).toMatch(/Cancelled: .*cancelled_by_customer/);

    const got = await runCli(['transactions', 'get', transaction.id, '--json'], { env: home.env() });
    expect(parseJson(got.stdout).transaction).toMatchObject({ id: transaction.id, status: 'completed' });
    const listed = await runCli(['transactions', 'list', '--ref', 'INV1', '--json'], { env: home.env() });
    expect(parseJson(listed.stdout).data.map((t: { id: string }) => t.id)).toEqual([transaction.id]);
    // Piped, a list is tab-separated rows a script can cut.
    const plain = await runCli(['transactions', 'list', '--ref', 'INV1'], { env: home.env() });
    expect(plain.stdout.trim().split('\t').slice(0, 3)).toEqual([transaction.id, 'completed', 'KES 10']);
    expect(plain.stdout).not.toMatch(/\u001b\[/);

    const events = await runCli(['events', 'list', '--transaction', transaction.id, '--json'], {
      env: home.env(),
    });
    expect(parseJson(events.stdout).data).toEqual([
      expect.objectContaining({ type: 'transaction.completed', transactionId: transaction.id }),
    ]);
  });

  it('then transactions reconcile, events get and events resend act on one payment', async () => {
    // A project of its own: the endpoint made here stays out of the webhook list test below.
    const other = await axios.post(
      `${server.url}/api/v1/projects`,
      { name: 'CLI resend' },
      { headers: adminHeaders(server) },
    );
    const home = await loggedInHome(server.url, keysOf(other.data, 'test'));
    const paid = await runCli(['trigger', 'paid', '--json'], { env: home.env() });
    expect(paid.code).toBe(0);
    const { transaction } = parseJson(paid.stdout);
    const reconciled = await runCli(['transactions', 'reconcile', transaction.id, '--json'], {
      env: home.env(),
    });
    expect(reconciled.code).toBe(0);
    expect(parseJson(reconciled.stdout)).toMatchObject({
      reconciliation: { outcome: 'already_final' },
      transaction: { id: transaction.id, status: 'completed' },
    });

    const endpoint = parseJson(
      (
        await runCli(
          [
            'webhooks',
            'create',
            '--url',
            'http://127.0.0.1:9/resend',
            '--events',
            'transaction.completed',
            '--json',
          ],
          { env: home.env() },
        )
      ).stdout,
    ).endpoint;
    const listed = parseJson(
      (await runCli(['events', 'list', '--transaction', transaction.id, '--json'], { env: home.env() }))
        .stdout,
    );
    const eventId = listed.data[0].id;
    const shown = await runCli(['events', 'get', eventId, '--json'], { env: home.env() });
    expect(shown.code).toBe(0);
    expect(parseJson(shown.stdout)).toMatchObject({
      event: { id: eventId, type: 'transaction.completed', transactionId: transaction.id },
    });
    const resent = await runCli(['events', 'resend', eventId, '--endpoint', endpoint.id, '--json'], {
      env: home.env(),
    });
    expect(resent.code).toBe(0);
    expect(
      parseJson(resent.stdout).deliveries.map((delivery: { endpointId: string }) => delivery.endpointId),
    ).toEqual([endpoint.id]);
    // The same command again at once (the same bytes within a second) is served too.
    const plain = await runCli(['events', 'resend', eventId, '--endpoint', endpoint.id], { env: home.env() });
    expect(plain.stdout).toMatch(new RegExp(`Queued 1 delivery: ${endpoint.id}`));

    // Nothing listens on port 9: once its deliveries fail, doctor says so, with what to look at.
    await eventually(
      async () =>
        parseJson((await runCli(['webhooks', 'list', '--json'], { env: home.env() })).stdout).data[0],
      (listedEndpoint: { failingSince: string | null }) => listedEndpoint.failingSince !== null,
      15_000,
    );
    const doctor = await runCli(['doctor', '--json'], { env: home.env() });
    const webhookFindings = parseJson(doctor.stdout).findings.filter(
      (finding: { check: string }) => finding.check === 'webhook_endpoint',
    );
    expect(webhookFindings).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringContaining(`${endpoint.id}) has failed every delivery since`),
        fix: expect.stringContaining('mpesa-bridge events'),
      }),
    ]);
  }, 60_000);

  it('then webhooks create shows the secret once, list never does, and rotate gives a new one', async () => {
    const created = await runCli(
      [
        'webhooks',
        'create',
        '--url',
        'http://127.0.0.1:9/hooks',
        '--events',
        'transaction.completed',
        '--json',
      ],
      { env: home.env() },
    );
    expect(created.code).toBe(0);
    const { endpoint, secret } = parseJson(created.stdout);
    expect(secret).toMatch(/^whsec_/);
    const listed = await runCli(['webhooks', 'list', '--json'], { env: home.env() });
    expect(parseJson(listed.stdout).data).toEqual([
      expect.objectContaining({ id: endpoint.id, eventTypes: ['transaction.completed'] }),
    ]);
    expect(listed.stdout).not.toContain(secret);
    const rotated = await runCli(['webhooks', 'rotate', endpoint.id, '--overlap', '1h', '--json'], {
      env: home.env(),
    });
    expect(parseJson(rotated.stdout).secret).toMatch(/^whsec_/);
    expect(parseJson(rotated.stdout).secret).not.toBe(secret);
    const replayed = await runCli(['webhooks', 'replay-failed', endpoint.id, '--since', '24h', '--json'], {
      env: home.env(),
    });
    expect(parseJson(replayed.stdout)).toEqual({ redelivered: 0 });
  });

  it('then doctor finds nothing wrong with a fresh simulator deployment (exit 0), its findings as JSON', async () => {
    const result = await runCli(['doctor', '--json'], { env: home.env() });
    expect(result.code).toBe(0);
    const report = parseJson(result.stdout);
    expect(report).toMatchObject({
      url: server.url,
      mode: 'test',
      project: { mode: 'test' },
      summary: { fail: 0 },
    });
    expect(report.findings.map((finding: { check: string }) => finding.check)).toEqual(
      expect.arrayContaining([
        'service',
        'keys',
        'clock',
        'callback_url',
        'trust_proxy',
        'callback_allowlist',
        'daraja_credentials',
        'webhook_endpoint',
      ]),
    );
  });

  it('then an unknown id is the service’s error with its code and request id (exit 3)', async () => {
    const result = await runCli(['transactions', 'get', 'txn_nope'], { env: home.env() });
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/code transaction_not_found, HTTP 404, request req_/);
  });

  it('then an unreachable service is exit 3 with network_error', async () => {
    const env = freshHome().env({
      MPESA_BRIDGE_URL: await deadUrl(),
      MPESA_BRIDGE_PUBLIC_KEY: keys.publicKey,
      MPESA_BRIDGE_SECRET_KEY: keys.secretKey,
    });
    const result = await runCli(['events', 'list', '--json'], { env });
    expect(result.code).toBe(3);
    expect(parseJson(result.stderr).error.code).toBe('network_error');
  });
});

describe('when a person runs the CLI on a terminal', () => {
  it('then the list is a coloured table, and NO_COLOR turns the colours off', async () => {
    await runCli(['trigger', 'paid'], { env: home.env() });
    const coloured = await runCliOnTerminal(['transactions', 'list', '--limit', '3'], { env: home.env() });
    expect(coloured.code).toBe(0);
    expect(coloured.stdout).toMatch(/\u001b\[\d+(;\d+)*m/);
    expect(coloured.stdout).toMatch(/completed/);
    const plain = await runCliOnTerminal(['transactions', 'list', '--limit', '3'], {
      env: home.env({ NO_COLOR: '1' }),
    });
    expect(plain.stdout).toMatch(/completed/);
    expect(plain.stdout).not.toMatch(/\u001b\[\d+(;\d+)*m/);
  });
});

describe('when the command line is wrong or asks for help', () => {
  it('then a bad option or argument is exit 2', async () => {
    expect(
      (await runCli(['pay', '--phone', '0712345678', '--amount', '10.5', '--ref', 'X'], { env: home.env() }))
        .code,
    ).toBe(2);
    expect((await runCli(['listen'], { env: home.env() })).code).toBe(2);
    expect((await runCli(['no-such-command'], { env: home.env() })).code).toBe(2);
  });

  it('then every command’s --help shows an example and exits 0', async () => {
    const commands = [
      ['login'],
      ['listen'],
      ['trigger'],
      ['pay'],
      ['tail'],
      ['doctor'],
      ['transactions', 'list'],
      ['transactions', 'get'],
      ['transactions', 'reconcile'],
      ['events', 'list'],
      ['events', 'get'],
      ['events', 'resend'],
      ['webhooks', 'list'],
      ['webhooks', 'create'],
      ['webhooks', 'rotate'],
      ['webhooks', 'replay-failed'],
    ];
    const env = freshHome().env();
    // Four at a time: each is a process of its own.
    for (let i = 0; i < commands.length; i += 4) {
      const batch = commands.slice(i, i + 4);
      const results = await Promise.all(batch.map((command) => runCli([...command, '--help'], { env })));
      results.forEach((result, j) => {
        expect({ command: batch[j], code: result.code }).toEqual({ command: batch[j], code: 0 });
        expect(result.stdout).toMatch(/Examples?:\n\s+\$ mpesa-bridge /);
      });
    }
  }, 60_000); // sixteen processes of their own: minutes on a loaded 2-core machine, not a limit on speed
});
