// The service as its own process (`npm start`'s entry point), for what only a real process
// shows: signals, SIGKILL mid-flight, a restart on the same database.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { freshDataDir, freshDatabaseUrl } from './database';

const ROOT = path.join(__dirname, '..', '..');

export interface ServiceProcess {
  child: ChildProcess;
  url: string;
  /** Its GET /metrics, when METRICS_PORT was given. */
  metricsUrl?: string;
  /** Everything it printed so far (stdout and stderr). */
  output(): string;
}

/** `root`: the checkout to run (this one unless given: a copy elsewhere, e.g. under a dot folder). */
export function startServiceProcess(env: Record<string, string>, root = ROOT): Promise<ServiceProcess> {
  // tsx as a loader in ONE process: the tsx CLI would run the service in a grandchild, which
  // a SIGKILL of the child would leave running.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: root,
    env: { PATH: process.env.PATH ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /"url":"http:\/\/127\.0\.0\.1:(\d+)"/.exec(output);
      const metrics = /"metrics":"(http:\/\/[^"]+)"/.exec(output)?.[1];
      if (match)
        resolve({
          child,
          url: `http://127.0.0.1:${match[1]}`,
          ...(metrics ? { metricsUrl: metrics } : {}),
          output: () => output,
        });
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code, signal) => reject(new Error(`exited ${code ?? signal}: ${output}`)));
  });
}

/** A production-mode environment on a fresh database, with its secrets, for a child process. */
export function childEnv(overrides: Record<string, string> = {}) {
  const dataDir = freshDataDir();
  return {
    NODE_ENV: 'production',
    LOG_FORMAT: 'json',
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    DATABASE_URL: freshDatabaseUrl(dataDir),
    ADMIN_TOKEN: `adm_${randomBytes(18).toString('hex')}`,
    MASTER_KEY: randomBytes(32).toString('hex'),
    ...overrides,
  };
}
