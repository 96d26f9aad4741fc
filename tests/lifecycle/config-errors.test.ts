// `npm start` with a broken configuration: every problem is printed at once, one line each
// naming its variable, and the process exits 1 without listening.
import { spawn } from 'node:child_process';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; stdout: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let stdout = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, stdout })));
}

describe('when the service starts with several configuration problems', () => {
  it('then it prints all of them, one line per variable, and exits 1', async () => {
    const { code, stderr, stdout } = await runMain({
      NODE_ENV: 'production',
      MPESA_ENVIRONMENT: 'production',
      PORT: 'eighty',
      TRUST_PROXY: 'yes',
      MASTER_KEY: 'a'.repeat(64),
      MPESA_CONSUMER_KEY: 'key',
      MPESA_SHORTCODE: '600000',
      CALLBACK_BASE_URL: 'https://pay.example.co.ke',
    });
    expect(code).toBe(1);
    expect(stdout).toBe('');
    const lines = stderr.trim().split('\n');
    expect(lines[0]).toMatch(/^Configuration errors/);
    expect(
      lines
        .slice(1)
        .map((line) => line.trim().split(':')[0])
        .sort(),
    ).toEqual(['ADMIN_TOKEN', 'MPESA_CONSUMER_SECRET', 'MPESA_PASSKEY', 'PORT', 'TRUST_PROXY']);
  });
});
