// Going live through the real binary against a production deployment (MPESA_ENVIRONMENT=
// production, its Daraja a stand-in that accepts the credentials): `login --new-project` saves
// the deployment's own mode's keys (live) and says so; the trap of test keys in a profile meant
// for live fails `doctor` (exit 1); a callback URL Safaricom refuses fails it whichever keys ask;
// and nothing calls a production deployment's callbacks the simulator's.
import fs from 'node:fs';
import { startTestServer, type TestServer } from '../helpers/server';
import { startFakeDaraja } from '../helpers/fake-daraja';
import { freshHome, parseJson, runCli, type CliHome } from './cli-runner';

interface Finding {
  check: string;
  status: 'ok' | 'warn' | 'fail';
  message: string;
  fix: string | null;
}

let daraja: Awaited<ReturnType<typeof startFakeDaraja>>;
let servers: TestServer[] = [];

/** A production deployment whose Daraja (the stand-in) accepts its own credentials. */
async function productionServer(overrides: Record<string, string> = {}) {
  const server = await startTestServer({
    MPESA_ENVIRONMENT: 'production',
    MPESA_CONSUMER_KEY: 'live-consumer-key',
    MPESA_CONSUMER_SECRET: 'live-consumer-secret',
    MPESA_SHORTCODE: '600000',
    MPESA_PASSKEY: 'live-passkey',
    MPESA_PRODUCTION_BASE_URL: daraja.url,
    CALLBACK_BASE_URL: 'https://pay.example.co.ke',
    ...overrides,
  });
  servers.push(server);
  return server;
}

beforeAll(async () => {
  daraja = await startFakeDaraja({});
});
afterAll(async () => {
  await Promise.all(servers.map((server) => server.close()));
  servers = [];
  await daraja.close();
});

const byCheck = (findings: Finding[], check: string) => findings.filter((finding) => finding.check === check);
/** What would say the simulator calls back, or serves, this deployment. */
const SAYS_SIMULATOR =
  /built-in simulator|simulator is the caller|simulator on this machine|simulator deployment/i;

function newProject(server: TestServer, home: CliHome, name: string, extra: string[] = []) {
  return runCli(['login', '--url', server.url, '--new-project', name, ...extra], {
    env: home.env({ MPESA_BRIDGE_ADMIN_TOKEN: server.adminToken }),
  });
}

describe('when login --new-project runs against a production deployment', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await productionServer();
  });

  it('then, with no --mode and an ordinary profile name, it saves the live keys because the service says its mode is live', async () => {
    const home = freshHome();
    const result = await newProject(server, home, 'Live shop', ['--json']);
    expect(result.code).toBe(0);
    const saved = parseJson<{ mode: string; deploymentMode: string; publicKey: string; warnings?: string[] }>(
      result.stdout,
    );
    expect(saved).toMatchObject({ mode: 'live', deploymentMode: 'live' });
    expect(saved).not.toHaveProperty('warnings');
    expect(saved.publicKey).toMatch(/^pk_live_/);
    const config = JSON.parse(fs.readFileSync(home.configFile, 'utf8'));
    expect(config.profiles.default).toMatchObject({ mode: 'live' });
    expect(config.profiles.default.secretKey).toMatch(/^sk_live_/);
  });

  it('then, into profile "live", it says in words that it saved the live keys, and doctor passes without a word of the simulator', async () => {
    const home = freshHome();
    const login = await newProject(server, home, 'Live shop two', ['--profile', 'live']);
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/on a production deployment \(its own mode: live\)/);
    expect(login.stdout).toMatch(/with the live keys, pk_live_[\w-]+ \(live mode: real money/);
    expect(login.stderr).toBe('');

    const doctor = await runCli(['doctor', '--profile', 'live', '--json'], { env: home.env() });
    const report = parseJson<{ findings: Finding[] }>(doctor.stdout);
    expect(report.findings.filter((finding) => finding.status === 'fail')).toEqual([]);
    expect(doctor.code).toBe(0);
    expect(byCheck(report.findings, 'callback_url')).toEqual([
      expect.objectContaining({
        status: 'ok',
        message: expect.stringMatching(/^Daraja posts callbacks to https:/),
      }),
    ]);
    expect(byCheck(report.findings, 'mode')).toEqual([
      expect.objectContaining({ status: 'ok', message: 'Live keys on a production deployment (real money)' }),
    ]);
    const text = await runCli(['doctor', '--profile', 'live'], { env: home.env() });
    expect(text.stdout).toMatch(/MPESA_ENVIRONMENT=production/);
    expect(text.stdout + text.stderr).not.toMatch(SAYS_SIMULATOR);
  });

  it('then --mode test into profile "live" saves the test keys but warns twice, and doctor --profile live fails (exit 1) on the live-profile trap', async () => {
    const home = freshHome();
    const login = await newProject(server, home, 'Trap shop', ['--profile', 'live', '--mode', 'test']);
    expect(login.code).toBe(0);
    expect(login.stdout).toMatch(/with the test keys, pk_test_[\w-]+ \(test mode/);
    expect(login.stderr).toMatch(
      /own mode is live \(MPESA_ENVIRONMENT=production\); the test keys were saved because --mode/,
    );
    expect(login.stderr).toMatch(/Profile "live" is named for live use but holds test keys/);

    const doctor = await runCli(['doctor', '--profile', 'live', '--json'], { env: home.env() });
    expect(doctor.code).toBe(1);
    const { findings } = parseJson<{ findings: Finding[] }>(doctor.stdout);
    expect(byCheck(findings, 'profile')).toEqual([
      expect.objectContaining({
        status: 'fail',
        message: expect.stringMatching(/Profile "live" is named for live use but holds test keys \(pk_test_/),
        fix: expect.stringMatching(/mpesa-bridge login --profile live/),
      }),
    ]);
    expect(byCheck(findings, 'mode')).toEqual([
      expect.objectContaining({
        status: 'warn',
        message: expect.stringMatching(/MPESA_ENVIRONMENT=production.*test keys/),
      }),
    ]);
    // The deployment's callback URL is judged as production's even for test keys.
    expect(byCheck(findings, 'callback_url')).toEqual([
      expect.objectContaining({ status: 'ok', message: expect.stringMatching(/^Daraja posts callbacks to/) }),
    ]);
    expect(JSON.stringify(findings)).not.toMatch(SAYS_SIMULATOR);
  });

  it('then the same test keys in an ordinary profile are a warning, not a failure (exit 0)', async () => {
    const home = freshHome();
    expect((await newProject(server, home, 'Test shop', ['--mode', 'test'])).code).toBe(0);
    const doctor = await runCli(['doctor', '--json'], { env: home.env() });
    expect(doctor.code).toBe(0);
    const { findings } = parseJson<{ findings: Finding[] }>(doctor.stdout);
    expect(byCheck(findings, 'profile')).toEqual([]);
    expect(byCheck(findings, 'mode')).toEqual([expect.objectContaining({ status: 'warn' })]);
  });
});

describe('when a production deployment was started with CALLBACK_URL_CHECK=warn and an ngrok callback URL', () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await productionServer({
      CALLBACK_BASE_URL: 'https://ab12cd.ngrok-free.app',
      CALLBACK_URL_CHECK: 'warn',
    });
  });

  it.each([
    ['live', []],
    ['test', ['--mode', 'test']],
  ])(
    'then doctor with its %s keys fails (exit 1) on the callback URL, with the fix',
    async (_mode, extra) => {
      const home = freshHome();
      expect((await newProject(server, home, 'Tunnel shop', extra)).code).toBe(0);
      const doctor = await runCli(['doctor', '--json'], { env: home.env() });
      expect(doctor.code).toBe(1);
      const { findings } = parseJson<{ findings: Finding[] }>(doctor.stdout);
      expect(byCheck(findings, 'callback_url')).toEqual([
        expect.objectContaining({
          status: 'fail',
          message: expect.stringMatching(
            /ab12cd\.ngrok-free\.app: .*usually blocked, especially in production/,
          ),
          fix: expect.stringMatching(/Use your own domain/),
        }),
      ]);
    },
  );
});
