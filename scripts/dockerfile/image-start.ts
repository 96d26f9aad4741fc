// Starts what the final stage would run (ENTRYPOINT + CMD, with its ENV), as `docker run`
// would: on a free port, in the stage's mapped WORKDIR. Then waits for the readiness path to
// answer 200 (bounded), runs the HEALTHCHECK command once, and stops the process with the
// stop signal, expecting a clean exit.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import net from 'node:net';
import type { Command } from './dockerfile.parse';
import { stageEnvironment, StepFailed, type StageResult } from './stage-runner';

export interface StartOptions {
  readyPath: string;
  /** The variable that carries the listening port (`PORT`); set to a free port. */
  portVariable: string;
  /** Given at start, as `docker run -e` would (secrets, mode). */
  env: Record<string, string>;
  hostEnv: NodeJS.ProcessEnv;
  readyTimeoutMs: number;
  stopTimeoutMs: number;
  log: (line: string) => void;
}

const POLL_INTERVAL_MS = 250;
const ATTEMPT_TIMEOUT_MS = 2_000;
const OUTPUT_TAIL_CHARS = 4_000;

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Docker's rule: an exec-form ENTRYPOINT takes CMD as its arguments; shell forms run under `sh -c`. */
export function startCommand(result: Pick<StageResult, 'cmd' | 'entrypoint'>): string[] {
  const argv = (command: Command | undefined) =>
    !command ? [] : command.form === 'exec' ? command.argv : ['sh', '-c', command.script];
  if (result.entrypoint?.form === 'shell') return argv(result.entrypoint);
  const combined = [...argv(result.entrypoint), ...argv(result.cmd)];
  if (combined.length === 0)
    throw new StepFailed('the final stage has no CMD or ENTRYPOINT: nothing to start');
  return combined;
}

export interface Started {
  url: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  stop(): Promise<void>;
  kill(): void;
}

export async function startImage(result: StageResult, options: StartOptions): Promise<Started> {
  const port = await freePort();
  const env = {
    ...stageEnvironment(result, options.hostEnv),
    HOME: result.paths.file('/root'),
    ...options.env,
    [options.portVariable]: String(port),
  };
  const cwd = result.paths.file(result.workdir);
  const argv = startCommand(result).map((arg) => result.paths.script(arg));
  const url = `http://127.0.0.1:${port}`;
  options.log(
    `\n== start: ${argv.join(' ')} (in ${result.workdir}, ${options.portVariable}=${port}; given: ${Object.keys(options.env).join(', ') || 'nothing'})`,
  );

  const child = spawn(argv[0]!, argv.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const echo = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
    for (const line of chunk.toString().split('\n').filter(Boolean)) options.log(`   | ${line}`);
  };
  child.stdout!.on('data', echo);
  child.stderr!.on('data', echo);
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  void exited.then((value) => (exit = value));

  const kill = () => {
    if (!exit) child.kill('SIGKILL');
  };
  try {
    await waitForReady(
      `${url}${options.readyPath}`,
      options.readyTimeoutMs,
      () => exit,
      () => output,
    );
  } catch (error) {
    kill();
    throw error;
  }
  options.log(`   ${options.readyPath} answered 200`);
  return {
    url,
    env,
    cwd,
    kill,
    stop: () => stop(child, exited, result.stopSignal, options),
  };
}

async function waitForReady(
  url: string,
  timeoutMs: number,
  exited: () => { code: number | null; signal: NodeJS.Signals | null } | undefined,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  for (;;) {
    const gone = exited();
    if (gone)
      throw new StepFailed(
        `the service exited (${gone.code ?? gone.signal}) before ${url} was ready:\n${output()}`,
      );
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(ATTEMPT_TIMEOUT_MS) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() > deadline)
      throw new StepFailed(`${url} did not answer 200 within ${timeoutMs} ms (last: ${last}):\n${output()}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}

/** Runs the HEALTHCHECK command as the image's health probe would: same ENV, same WORKDIR; exit 0 is healthy. */
export function runHealthcheck(result: StageResult, started: Started, log: (line: string) => void): void {
  if (!result.healthcheck) {
    log('   no HEALTHCHECK in the final stage');
    return;
  }
  const argv =
    result.healthcheck.form === 'exec'
      ? result.healthcheck.argv
      : ['sh', '-c', result.paths.script(result.healthcheck.script)];
  const run = spawnSync(argv[0]!, argv.slice(1), {
    cwd: started.cwd,
    env: started.env,
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (run.status !== 0)
    throw new StepFailed(`HEALTHCHECK exited ${run.status ?? run.signal}: ${run.stderr || run.stdout}`);
  log('   HEALTHCHECK command exited 0 (healthy)');
}

async function stop(
  child: ChildProcess,
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>,
  stopSignal: string | undefined,
  options: StartOptions,
): Promise<void> {
  const signal = (stopSignal ?? 'SIGTERM').toUpperCase().replace(/^(?!SIG)/, 'SIG') as NodeJS.Signals;
  child.kill(signal);
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>(
    (resolve) => (timer = setTimeout(() => resolve(undefined), options.stopTimeoutMs)),
  );
  const result = await Promise.race([exited, timeout]);
  clearTimeout(timer);
  if (!result) {
    child.kill('SIGKILL');
    throw new StepFailed(
      `the service did not stop within ${options.stopTimeoutMs} ms of ${signal} (docker stop would kill it)`,
    );
  }
  if (result.code !== 0)
    throw new StepFailed(`the service exited ${result.code ?? result.signal} after ${signal}, not 0`);
  options.log(`   stopped by ${signal}: exit 0`);
}
