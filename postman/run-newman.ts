// `npm run test:postman`: runs the Postman collection with newman against the real service,
// started the way a newcomer starts it (`npm start`: simulator mode, SQLite, generated admin
// token), on a free port with a fresh data folder. Fails when the committed collection is out
// of date, when any assertion fails or is skipped, or when a request never ran. The server is
// always stopped and its data folder removed.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import newman, { type NewmanRunSummary } from 'newman';
import { COLLECTION_FILE, ENVIRONMENT_FILE, staleFiles } from './build';
import type { Collection, Folder, RequestItem } from './collection/postman-format';

const ROOT = path.resolve(__dirname, '..');
const READY_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 15_000;
const RUN_TIMEOUT_MS = 180_000;
const REQUEST_TIMEOUT_MS = 20_000;
const LOG_TAIL_LINES = 60;

/** Only these reach the server: a CI or developer environment (or .env) must not reconfigure it. */
const PASSED_THROUGH_ENV = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'SystemRoot'];

interface Server {
  baseUrl: string;
  dataDir: string;
  logFile: string;
  child: ChildProcess;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function startServer(): Promise<Server> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'mpesa-bridge-postman-'));
  const port = await freePort();
  const env: NodeJS.ProcessEnv = Object.fromEntries(
    PASSED_THROUGH_ENV.filter((name) => process.env[name]).map((name) => [name, process.env[name]]),
  );
  Object.assign(env, {
    NODE_ENV: 'development',
    MPESA_ENVIRONMENT: 'simulator',
    HOST: '127.0.0.1',
    PORT: String(port),
    DATA_DIR: dataDir,
    LOG_FORMAT: 'json',
    // main.ts loads .env from the working directory; point it at a file that does not exist.
    DOTENV_CONFIG_PATH: path.join(dataDir, 'no.env'),
  });
  const logFile = path.join(dataDir, 'server.log');
  const log = fs.openSync(logFile, 'a');
  // `npm start` is `tsx src/main.ts`; node --import tsx is the same in one process, so SIGTERM
  // reaches the service itself.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    cwd: ROOT,
    env,
    stdio: ['ignore', log, log],
  });
  fs.closeSync(log);
  return { baseUrl: `http://127.0.0.1:${port}`, dataDir, logFile, child };
}

async function waitUntilReady(server: Server): Promise<void> {
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (server.child.exitCode !== null)
      throw new Error(`the server exited with code ${server.child.exitCode} before it was ready`);
    const ready = await fetch(`${server.baseUrl}/ready`).then(
      (res) => res.status === 200,
      () => false,
    );
    if (ready) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the server was not ready after ${READY_TIMEOUT_MS} ms`);
}

async function stopServer(server: Server): Promise<void> {
  const { child } = server;
  if (child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
  fs.rmSync(server.dataDir, { recursive: true, force: true });
}

function runCollection(baseUrl: string, adminToken: string): Promise<NewmanRunSummary> {
  return new Promise((resolve, reject) => {
    newman.run(
      {
        collection: COLLECTION_FILE,
        environment: ENVIRONMENT_FILE,
        // The library call keeps the admin token out of the process list.
        envVar: [
          { key: 'baseUrl', value: baseUrl },
          { key: 'adminToken', value: adminToken },
        ],
        reporters: ['cli'],
        timeout: RUN_TIMEOUT_MS,
        timeoutRequest: REQUEST_TIMEOUT_MS,
      },
      (error, summary) => (error ? reject(error) : resolve(summary)),
    );
  });
}

function requestNames(items: (Folder | RequestItem)[]): string[] {
  return items.flatMap((item) => ('item' in item ? requestNames(item.item) : [item.name]));
}

/** What is wrong with a run, beyond newman's own failures: skipped checks and requests that never ran or checked nothing. */
function problemsOf(summary: NewmanRunSummary, collection: Collection): string[] {
  const problems = summary.run.failures.map(
    (failure) => `${failure.source?.name ?? failure.at}: ${failure.error.message}`,
  );
  // Set when newman stopped the run itself (a timeout, say); missing from @types/newman.
  const runError = (summary.run as { error?: unknown }).error;
  if (runError)
    problems.push(`run stopped: ${runError instanceof Error ? runError.message : String(runError)}`);
  const executions = summary.run.executions;
  const ran = new Set(executions.map((execution) => execution.item.name));
  for (const name of requestNames(collection.item)) if (!ran.has(name)) problems.push(`${name}: never ran`);
  for (const execution of executions) {
    const assertions = execution.assertions ?? [];
    if (assertions.length === 0) problems.push(`${execution.item.name}: no assertion ran`);
    for (const skipped of assertions.filter((assertion) => assertion.skipped))
      problems.push(`${execution.item.name}: skipped "${skipped.assertion}"`);
  }
  return problems;
}

function printLogTail(logFile: string): void {
  if (!fs.existsSync(logFile)) return;
  const lines = fs.readFileSync(logFile, 'utf8').trimEnd().split('\n');
  process.stderr.write(
    `--- last ${LOG_TAIL_LINES} lines of the server log ---\n${lines.slice(-LOG_TAIL_LINES).join('\n')}\n`,
  );
}

async function main(): Promise<number> {
  const stale = staleFiles();
  if (stale.length > 0) {
    process.stderr.write(`Out of date: ${stale.join(', ')}. Run: npx tsx postman/build.ts\n`);
    return 1;
  }
  const collection = JSON.parse(fs.readFileSync(COLLECTION_FILE, 'utf8')) as Collection;

  const server = await startServer();
  const stopOnSignal = () => void stopServer(server).finally(() => process.exit(130));
  process.once('SIGINT', stopOnSignal);
  process.once('SIGTERM', stopOnSignal);
  let problems: string[] = [];
  let passed = 0;
  try {
    await waitUntilReady(server);
    // Generated at first start in simulator mode, as README's quick start reads it.
    const adminToken = fs.readFileSync(path.join(server.dataDir, 'admin-token'), 'utf8').trim();
    const summary = await runCollection(server.baseUrl, adminToken);
    problems = problemsOf(summary, collection);
    const { total = 0, failed = 0 } = summary.run.stats.assertions;
    passed = total - failed;
  } catch (error) {
    problems.push(error instanceof Error ? error.message : String(error));
  } finally {
    if (problems.length > 0) printLogTail(server.logFile);
    await stopServer(server);
  }

  for (const problem of problems) process.stderr.write(`postman: ${problem}\n`);
  process.stdout.write(`postman: ${passed} passed, ${problems.length} failed\n`);
  return problems.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`postman: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
