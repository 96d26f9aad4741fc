// The `mpesa-bridge` command as a user runs it: the real binary (cli/bin/mpesa-bridge.js, the
// one `npx mpesa-bridge` starts) as its own process, its output piped (so plain, no colours),
// with a home of its own so profiles never touch the developer's.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const BIN = path.join(__dirname, '..', '..', 'cli', 'bin', 'mpesa-bridge.js');

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CliHome {
  dir: string;
  /** The environment of a command run in this home (the test's own, minus colour switches, plus `extra`). */
  env(extra?: Record<string, string>): NodeJS.ProcessEnv;
  configFile: string;
}

export function freshHome(): CliHome {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-cli-'));
  const base = { ...process.env };
  // Jest's workers may force colours on; a pipe must get plain text as it would for a user.
  for (const name of [
    'FORCE_COLOR',
    'NO_COLOR',
    'MPESA_BRIDGE_URL',
    'MPESA_BRIDGE_PUBLIC_KEY',
    'MPESA_BRIDGE_SECRET_KEY',
    'MPESA_BRIDGE_PROFILE',
    'XDG_CONFIG_HOME',
  ])
    delete base[name];
  return {
    dir,
    configFile: path.join(dir, '.config', 'mpesa-bridge', 'config.json'),
    env: (extra = {}) => ({ ...base, HOME: dir, ...extra }),
  };
}

export function runCli(
  args: string[],
  options: { env: NodeJS.ProcessEnv; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end(options.input ?? '');
  return collect(child, options.timeoutMs ?? 30_000, args);
}

export interface RunningCli {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the output so far once `pattern` appears in it. */
  waitFor(pattern: RegExp, stream?: 'stdout' | 'stderr', timeoutMs?: number): Promise<RegExpMatchArray>;
  /** Ctrl-C, as a user stops `listen` and `tail`; resolves once it exited. */
  stop(): Promise<CliResult>;
}

export function startCli(args: string[], options: { env: NodeJS.ProcessEnv }): RunningCli {
  const child = spawn(process.execPath, [BIN, ...args], {
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const out = { stdout: '', stderr: '' };
  const waiters: Array<() => void> = [];
  child.stdout!.on(
    'data',
    (chunk: Buffer) => ((out.stdout += chunk.toString()), waiters.splice(0).forEach((wake) => wake())),
  );
  child.stderr!.on(
    'data',
    (chunk: Buffer) => ((out.stderr += chunk.toString()), waiters.splice(0).forEach((wake) => wake())),
  );
  const exited = new Promise<CliResult>((resolve) =>
    child.once('close', (code) => resolve({ code, ...out })),
  );
  return {
    child,
    stdout: () => out.stdout,
    stderr: () => out.stderr,
    waitFor(pattern, stream = 'stdout', timeoutMs = 15_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `no ${pattern} in ${stream} of mpesa-bridge ${args.join(' ')}; stdout: ${out.stdout}\nstderr: ${out.stderr}`,
              ),
            ),
          timeoutMs,
        );
        const check = () => {
          const match = out[stream].match(pattern);
          if (match) {
            clearTimeout(timer);
            resolve(match);
          } else waiters.push(check);
        };
        child.once('exit', () => waiters.forEach((wake) => wake()));
        check();
      });
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGINT');
      return exited;
    },
  };
}

function collect(child: ChildProcess, timeoutMs: number, args: string[]): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `mpesa-bridge ${args.join(' ')} did not exit within ${timeoutMs} ms; stdout: ${stdout}\nstderr: ${stderr}`,
        ),
      );
    }, timeoutMs);
    // 'close', not 'exit': a pipe can still hold the last output when the process has exited.
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/**
 * The command on a terminal: util-linux `script` gives it a pseudo-terminal for stdout and
 * stderr (both read back here, merged, as a terminal shows them).
 */
export function runCliOnTerminal(
  args: string[],
  options: { env: NodeJS.ProcessEnv; timeoutMs?: number },
): Promise<CliResult> {
  const command = [process.execPath, BIN, ...args]
    .map((part) => `'${part.replace(/'/g, `'\\''`)}'`)
    .join(' ');
  const child = spawn('script', ['-qec', command, '/dev/null'], {
    env: { TERM: 'xterm-256color', ...options.env },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  child.stdin.end();
  return collect(child, options.timeoutMs ?? 30_000, args);
}

/** A home logged in with these keys (through the real `login`, the secret on stdin). */
export async function loggedInHome(
  url: string,
  keys: { publicKey: string; secretKey: string },
  profile?: string,
  home = freshHome(),
): Promise<CliHome> {
  const result = await runCli(
    [
      'login',
      '--url',
      url,
      '--public-key',
      keys.publicKey,
      '--secret-key-stdin',
      ...(profile ? ['--profile', profile] : []),
    ],
    { env: home.env(), input: keys.secretKey },
  );
  if (result.code !== 0) throw new Error(`login failed: ${result.stderr}`);
  return home;
}

export const parseJson = <T = Record<string, any>>(text: string): T => JSON.parse(text) as T;

/** A loopback URL nothing listens on (a port the OS gave and took back). */
export async function deadUrl(): Promise<string> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}
