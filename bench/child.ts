// Starts a bench/*.ts script as its own Node process (through tsx, as `npm start` does) and
// talks to it over IPC. Peak RSS comes from the kernel's VmHWM for that one process.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { isChildMessage, type ChildMessage, type ParentMessage } from './protocol';

const READY_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;
const REPO_ROOT = path.resolve(__dirname, '..');

export interface BenchChild {
  pid: number;
  url: string;
  /** Sends `message` and resolves with the first reply of type `replyType`. */
  ask<T extends ChildMessage['type']>(
    message: ParentMessage,
    replyType: T,
    timeoutMs?: number,
  ): Promise<Extract<ChildMessage, { type: T }>>;
  /** Peak resident set size so far (VmHWM), in MB; undefined where /proc is not available. */
  peakRssMb(): number | undefined;
  stop(): Promise<void>;
}

function nextMessage<T extends ChildMessage['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<ChildMessage, { type: T }>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => finish(new Error(`no "${type}" message from child within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onMessage = (message: unknown) => {
      if (isChildMessage(message) && message.type === type)
        finish(undefined, message as Extract<ChildMessage, { type: T }>);
    };
    const onExit = (code: number | null) => finish(new Error(`child exited (code ${code}) before "${type}"`));
    function finish(error?: Error, message?: Extract<ChildMessage, { type: T }>) {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
      if (message) resolve(message);
      else reject(error);
    }
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export function readPeakRssMb(pid: number): number | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = /^VmHWM:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kb === undefined ? undefined : Number(kb) / 1024;
  } catch {
    return undefined;
  }
}

/** Starts `script` (relative to bench/): compiled JavaScript with plain node, TypeScript through tsx. */
export async function startChild(
  script: string,
  env: NodeJS.ProcessEnv,
  nodeArgs: readonly string[] = [],
): Promise<BenchChild> {
  // `node --import tsx` rather than the tsx CLI: the CLI is a wrapper process, and VmHWM must
  // be read from the process that serves.
  const loader = script.endsWith('.ts') ? ['--import', 'tsx'] : [];
  const child = spawn(process.execPath, [...nodeArgs, ...loader, path.resolve(__dirname, script)], {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`could not start ${script}`);
  const { url } = await nextMessage(child, 'ready', READY_TIMEOUT_MS).catch((error: unknown) => {
    child.kill('SIGKILL');
    throw error;
  });

  return {
    pid,
    url,
    ask(message, replyType, timeoutMs = READY_TIMEOUT_MS) {
      const reply = nextMessage(child, replyType, timeoutMs);
      child.send(message);
      return reply;
    },
    peakRssMb: () => readPeakRssMb(pid),
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      if (child.connected) child.send({ type: 'close' } satisfies ParentMessage);
      else child.kill('SIGTERM');
      await exited;
      clearTimeout(timer);
    },
  };
}
