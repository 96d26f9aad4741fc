// A production start (`npm start`, src/main.ts as its own process) with a CALLBACK_BASE_URL that
// Safaricom refuses or cannot reach: it names the reason and exits 1 without listening, unless
// the operator explicitly chose CALLBACK_URL_CHECK=warn (docs/going-live.md). The rules are the
// ones `doctor` reports (src/diagnostics/diagnostics.callback-url.ts, docs/daraja.md §2).
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { childEnv, startServiceProcess } from '../helpers/child-service';

const ROOT = path.join(__dirname, '..', '..');
const children: ChildProcess[] = [];
afterEach(() => children.splice(0).forEach((child) => child.kill('SIGKILL')));

/** A production deployment's variables, with its Daraja credentials (never called at start). */
const production = (overrides: Record<string, string>) =>
  childEnv({
    MPESA_ENVIRONMENT: 'production',
    MPESA_CONSUMER_KEY: 'live-consumer-key',
    MPESA_CONSUMER_SECRET: 'live-consumer-secret',
    MPESA_SHORTCODE: '600000',
    MPESA_PASSKEY: 'live-passkey',
    ...overrides,
  });

function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.push(child);
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
}

describe('when a production deployment starts with a callback URL Safaricom refuses', () => {
  it.each([
    ['plain http', 'http://pay.example.co.ke', /Safaricom requires a public https:\/\/ URL/],
    ['a private address', 'https://10.0.0.5', /points to 10\.0\.0\.5, which Safaricom cannot reach/],
    ['a loopback address', 'https://127.0.0.1:3000', /points to 127\.0\.0\.1, which Safaricom cannot reach/],
    ['a link-local address', 'https://169.254.10.20', /points to 169\.254\.10\.20, which Safaricom/],
    ['a local name', 'https://localhost', /points to localhost, which Safaricom cannot reach/],
    ['the word "mpesa"', 'https://mpesa-pay.example.co.ke', /contains "mpesa".*docs\/daraja\.md §2/],
    ['the word "M-Pesa" in the path', 'https://pay.example.co.ke/M-Pesa', /contains "m-pesa"/],
    ['the word "safaricom"', 'https://safaricom-callbacks.example.com', /contains "safaricom"/],
    ['an ngrok host', 'https://ab12cd.ngrok-free.app', /on ab12cd\.ngrok-free\.app: .*ngrok/],
    ['a localtunnel host', 'https://shop.loca.lt', /on shop\.loca\.lt, a tunnel service like ngrok/],
    ['a Cloudflare quick tunnel', 'https://a-b-c.trycloudflare.com', /a tunnel service like ngrok/],
  ])('with %s (%s), then it names the reason and exits 1 without listening', async (_form, url, reason) => {
    const { code, stderr, stdout } = await runMain(production({ CALLBACK_BASE_URL: url }));
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Configuration error/);
    const problems = lines.slice(1).map((line) => line.trim());
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem).toMatch(/^CALLBACK_BASE_URL: /);
    expect(problems.join('\n')).toMatch(reason);
  });

  it('with several faults at once (http, private, "mpesa"), then the start is refused for http, which nothing waives', async () => {
    const { code, stderr } = await runMain(production({ CALLBACK_BASE_URL: 'http://192.168.1.4/mpesa' }));
    expect(code).toBe(1);
    expect(stderr).toMatch(/^ {2}CALLBACK_BASE_URL: Safaricom requires a public https:\/\/ URL/m);
  });
});

describe('when the operator overrides the check with CALLBACK_URL_CHECK=warn', () => {
  it('then an ngrok URL starts, and the log says what Safaricom will make of it', async () => {
    const started = await startServiceProcess(
      production({ CALLBACK_BASE_URL: 'https://ab12cd.ngrok-free.app', CALLBACK_URL_CHECK: 'warn' }),
    );
    children.push(started.child);
    const health = await fetch(`${started.url}/health`);
    expect(health.status).toBe(200);
    expect(started.output()).toMatch(
      /"level":"warn".*callback URL Safaricom refuses; starting anyway \(CALLBACK_URL_CHECK=warn\)/,
    );
    expect(started.output()).toMatch(/"reason":"CALLBACK_BASE_URL is on ab12cd\.ngrok-free\.app/);
  });

  it('then plain http is still refused: no override makes Safaricom post to it', async () => {
    const { code, stderr } = await runMain(
      production({ CALLBACK_BASE_URL: 'http://pay.example.co.ke', CALLBACK_URL_CHECK: 'warn' }),
    );
    expect(code).toBe(1);
    expect(stderr).toMatch(/CALLBACK_BASE_URL: Safaricom requires a public https:\/\/ URL/);
  });
});

describe('when a production deployment starts with its own public https domain', () => {
  it('then it starts in production mode without a warning about the callback URL', async () => {
    const started = await startServiceProcess(production({ CALLBACK_BASE_URL: 'https://pay.example.co.ke' }));
    children.push(started.child);
    expect((await fetch(`${started.url}/health`)).status).toBe(200);
    expect(started.output()).toMatch(/"mode":"production"/);
    expect(started.output()).not.toMatch(/callback URL Safaricom refuses/);
  });
});
