// The master key is checked before the service says it is ready: an empty or malformed
// data/master.key, or a MASTER_KEY / MASTER_KEY_PREVIOUS that opens none of the stored secrets,
// stops the start with a message naming it (today's alternative: ready, then 500 on every
// signed call), and a TRUST_PROXY that trusts every address is a configuration error.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { freshDataDir } from '../helpers/database';
import { createProject } from '../helpers/merchant';
import { sameDatabase, startTestServer } from '../helpers/server';

const ROOT = path.join(__dirname, '..', '..');
const newKey = () => randomBytes(32).toString('hex');

/** `npm start`'s entry point; a start that gets as far as listening is stopped and reported as such. */
function runMain(
  env: Record<string, string>,
): Promise<{ code: number | null; stderr: string; listened: boolean }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  let listened = false;
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdout.on('data', (chunk: Buffer) => {
    if (!listened && chunk.toString().includes('listening')) {
      listened = true;
      child.kill('SIGTERM');
    }
  });
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, stderr, listened })));
}

describe('when data/master.key is empty or malformed', () => {
  it.each([
    ['empty', ''],
    ['malformed', 'not-a-key\n'],
    ['cut short', `${'ab'.repeat(20)}\n`],
  ])('then a %s file stops the start, naming the file', async (_name, content) => {
    const dataDir = freshDataDir();
    fs.writeFileSync(path.join(dataDir, 'master.key'), content, { mode: 0o600 });
    const { code, stderr, listened } = await runMain({
      NODE_ENV: 'test',
      MPESA_ENVIRONMENT: 'simulator',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: dataDir,
      LOG_FORMAT: 'json',
    });
    expect(listened).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toContain(`Failed to start: ${path.join(dataDir, 'master.key')} must hold the master key`);
    // The bad file is kept for the operator to look at, never replaced by a new key.
    expect(fs.readFileSync(path.join(dataDir, 'master.key'), 'utf8')).toBe(content);
  });
});

describe('when the stored secrets were sealed with another master key', () => {
  it('then a wrong MASTER_KEY_PREVIOUS after a rotation stops the start, naming MASTER_KEY_PREVIOUS', async () => {
    const first = await startTestServer();
    await createProject(first.url, first.adminToken);
    const same = sameDatabase(first);
    await first.close();
    await expect(
      startTestServer({ ...same, MASTER_KEY: newKey(), MASTER_KEY_PREVIOUS: newKey() }),
    ).rejects.toThrow(
      /^MASTER_KEY_PREVIOUS: the stored secrets \(ApiKey\.secretKeyEnc and others\) are sealed by master key [0-9a-f]{8}/,
    );
    // The right previous key starts, and re-seals onto the new one.
    const rotated = await startTestServer({
      ...same,
      MASTER_KEY: newKey(),
      MASTER_KEY_PREVIOUS: same.MASTER_KEY!,
    });
    await rotated.close();
  });

  it('then a wrong MASTER_KEY without a rotation stops the start, naming MASTER_KEY', async () => {
    const first = await startTestServer();
    await createProject(first.url, first.adminToken);
    const same = sameDatabase(first);
    await first.close();
    await expect(startTestServer({ ...same, MASTER_KEY: newKey() })).rejects.toThrow(
      /^MASTER_KEY: the stored secrets .* which this key \([0-9a-f]{8}\) does not open/,
    );
  });
});

describe('when TRUST_PROXY trusts every address', () => {
  it('then the start is refused naming TRUST_PROXY', async () => {
    const { code, stderr, listened } = await runMain({
      NODE_ENV: 'test',
      MPESA_ENVIRONMENT: 'simulator',
      HOST: '127.0.0.1',
      PORT: '0',
      DATA_DIR: freshDataDir(),
      TRUST_PROXY: '0.0.0.0/0',
    });
    expect(listened).toBe(false);
    expect(code).toBe(1);
    expect(stderr).toMatch(/^\s+TRUST_PROXY: 0\.0\.0\.0\/0 trusts every address/m);
  });
});
