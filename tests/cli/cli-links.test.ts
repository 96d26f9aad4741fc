// `mpesa-bridge links` as a user runs it against a real server: `links create` prints the link's
// URL and a QR code in the terminal that decodes (read back from the printed characters) to that
// URL; `links list` and `links disable` show and switch it off; --json gives the link.
import jsQR from 'jsqr';
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

/** The half-block QR code `qrcode` prints (▀ top, ▄ bottom, █ both dark) as RGBA pixels, each module SCALE px. */
function decodeTerminalQr(text: string): string | undefined {
  const SCALE = 6;
  const rows = text
    .replace(/\x1b\[[0-9;]*m/g, '')
    .split('\n')
    .filter((line) => /[▀▄█]/.test(line));
  const width = Math.max(...rows.map((row) => [...row].length));
  const modules: boolean[][] = [];
  for (const row of rows) {
    const chars = [...row.padEnd(width)];
    modules.push(chars.map((c) => c === '▀' || c === '█'));
    modules.push(chars.map((c) => c === '▄' || c === '█'));
  }
  const border = 4;
  const size = { w: (width + 2 * border) * SCALE, h: (modules.length + 2 * border) * SCALE };
  const data = new Uint8ClampedArray(size.w * size.h * 4).fill(255);
  modules.forEach((line, y) =>
    line.forEach((dark, x) => {
      if (!dark) return;
      for (let dy = 0; dy < SCALE; dy++)
        for (let dx = 0; dx < SCALE; dx++) {
          const at = (((y + border) * SCALE + dy) * size.w + (x + border) * SCALE + dx) * 4;
          data[at] = data[at + 1] = data[at + 2] = 0;
        }
    }),
  );
  return jsQR(data, size.w, size.h)?.data;
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
    expect(decodeTerminalQr(result.stdout)).toBe(url);
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
