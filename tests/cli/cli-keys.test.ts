// `mpesa-bridge keys` through the real binary: a roll with --grace saves the new pair into the
// profile, prints its secret once and when the old pair stops; the old pair keeps signing until
// then (listed by `keys list`); a roll without --grace stops it at once.
import { startTestServer, type TestServer } from '../helpers/server';
import { merchantClient } from '../helpers/merchant';
import { freshHome, parseJson, runCli, type CliHome } from './cli-runner';
import fs from 'node:fs';

let server: TestServer;
let home: CliHome;
const env = () => home.env({ MPESA_BRIDGE_ADMIN_TOKEN: server.adminToken });
const profileKeys = () => {
  const saved = JSON.parse(fs.readFileSync(home.configFile, 'utf8')).profiles.default;
  return { publicKey: saved.publicKey as string, secretKey: saved.secretKey as string };
};

beforeAll(async () => {
  server = await startTestServer();
  home = freshHome();
  const login = await runCli(['login', '--url', server.url, '--new-project', 'Rolling shop'], { env: env() });
  expect(login.code).toBe(0);
});
afterAll(() => server.close());

describe('mpesa-bridge keys roll', () => {
  it('when rolled with --grace 1h, then the profile holds the new pair, the old one still signs and is listed with its end', async () => {
    const old = profileKeys();
    const rolled = await runCli(['keys', 'roll', '--grace', '1h'], { env: env() });
    expect(rolled.code).toBe(0);
    const fresh = profileKeys();
    expect(fresh.publicKey).not.toBe(old.publicKey);
    expect(rolled.stdout).toContain(fresh.secretKey);
    expect(rolled.stdout).toMatch(new RegExp(`The old pair ${old.publicKey} keeps working until \\d{4}-`));
    expect(rolled.stdout).toContain('Saved into profile "default"');

    const read = (keys: { publicKey: string; secretKey: string }) =>
      merchantClient(server.url, { ...keys, projectId: '' })({ method: 'GET', path: '/api/v1/transactions' });
    expect((await read(old)).status).toBe(200);
    expect((await read(fresh)).status).toBe(200);

    const listed = parseJson((await runCli(['--json', 'keys', 'list'], { env: env() })).stdout);
    expect(listed.retiringKeys).toEqual([
      expect.objectContaining({ mode: 'test', publicKey: old.publicKey }),
    ]);
    const hours = (Date.parse(listed.retiringKeys[0].expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(0.95);
    expect(hours).toBeLessThanOrEqual(1);
  });

  it('when rolled without --grace, then every old pair stops at once', async () => {
    const old = profileKeys();
    const rolled = parseJson((await runCli(['--json', 'keys', 'roll'], { env: env() })).stdout);
    expect(rolled.previous.publicKey).toBe(old.publicKey);
    expect(Date.parse(rolled.previous.expiresAt)).toBeLessThanOrEqual(Date.now());
    const read = await merchantClient(server.url, { ...old, projectId: '' })({
      method: 'GET',
      path: '/api/v1/transactions',
    });
    expect(read.data.error.code).toBe('api_key_unknown');
    const listed = parseJson((await runCli(['--json', 'keys', 'list'], { env: env() })).stdout);
    expect(listed.retiringKeys).toEqual([]);
  });

  it('when the admin token is missing, then it says how to give it (exit 2)', async () => {
    const result = await runCli(['keys', 'roll'], { env: home.env() });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('MPESA_BRIDGE_ADMIN_TOKEN');
  });
});
