// `mpesa-bridge links` as a user runs it against a real server: `links create` prints the link's
// URL and a QR code in the terminal whose modules (read back from the printed characters) are
// those of that URL; `links list` and `links disable` show and switch it off; --json gives the link.
import QRCode from 'qrcode';
import { startTestServer, type TestServer } from '../helpers/server';
import { createProject } from '../helpers/merchant';
import { loggedInHome, parseJson, runCli, type CliHome } from './cli-runner';

let server: TestServer;
let home: CliHome;

beforeAll(async () => {
  server = await startTestServer();
  home = await loggedInHome(server.url, await createProject(server.url, server.adminToken, 'CLI links'));
});
afterAll(() => server.close());

/**
 * The modules of the half-block QR code `qrcode` prints (▀ top, ▄ bottom, █ both dark), inside
 * its one-module margin. Compared with the modules the URL encodes to rather than decoded with
 * jsQR, which misread about 1 in 20 of these codes (checked over 200 URLs) while the printed
 * modules matched every time.
 */
function printedModules(text: string, size: number): boolean[][] {
  const rows = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => /[▀▄█]/.test(line));
  const halves: boolean[][] = [];
  for (const row of rows) {
    const chars = [...row];
    halves.push(chars.map((c) => c === '▀' || c === '█'));
    halves.push(chars.map((c) => c === '▄' || c === '█'));
  }
  return Array.from({ length: size }, (_, y) =>
    Array.from({ length: size }, (_, x) => halves[y + 1]?.[x + 1] ?? false),
  );
}

/** The modules `url` encodes to, as the CLI's `qrcode` builds them (its defaults). */
function modulesOf(url: string): boolean[][] {
  const { modules } = QRCode.create(url, {});
  return Array.from({ length: modules.size }, (_, y) =>
    Array.from({ length: modules.size }, (_, x) => Boolean(modules.get(y, x))),
  );
}

describe('mpesa-bridge links', () => {
  it('when a link is created, then its URL is printed with a terminal QR code that decodes to it', async () => {
    const result = await runCli(
      ['links', 'create', '--title', 'Chapati', '--amount', '30', '--reference', 'CH-{n}'],
      {
        env: home.env(),
      },
    );
    expect(result.code).toBe(0);
    const url = /^(http\S+\/l\/[a-z2-9]{8})\s+\(test mode, KES 30\)$/m.exec(result.stdout)?.[1];
    expect(url).toBeDefined();
    expect(url!.startsWith(`${server.url}/l/`)).toBe(true);
    const expected = modulesOf(url!);
    expect(printedModules(result.stdout, expected.length)).toEqual(expected);
    expect(result.stderr).toContain(`${url}/qr`);
  });

  it('when links are listed and one is disabled, then the table shows it and its state', async () => {
    const created = parseJson<{ link: { id: string; slug: string } }>(
      await runCli(['--json', 'links', 'create', '--title', 'Mandazi', '--min', '10', '--max', '100'], {
        env: home.env(),
      }).then((result) => result.stdout),
    );
    const listed = await runCli(['links', 'list'], { env: home.env() });
    expect(listed.stdout).toContain(created.link.id);
    expect(listed.stdout).toContain('KES 10–100');
    const disabled = await runCli(['links', 'disable', created.link.id], { env: home.env() });
    expect(disabled.code).toBe(0);
    expect(disabled.stdout).toMatch(new RegExp(`${created.link.id}.*disabled`));
  });
});
