// A second `npm start` on the data folder another process runs on is refused, naming that
// process; a second start on a taken port says so, as `npm run demo` does (issue 18 E2).
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';
import { usingPostgres } from '../helpers/database';

async function stop(service: ServiceProcess) {
  if (service.child.exitCode !== null) return;
  const exited = new Promise((resolve) => service.child.once('exit', resolve));
  service.child.kill('SIGTERM');
  await exited;
}

async function refusal(env: Record<string, string>): Promise<string> {
  try {
    const started = await startServiceProcess(env);
    await stop(started);
    return 'it started';
  } catch (error) {
    return (error as Error).message;
  }
}

(usingPostgres() ? describe.skip : describe)('when a second service starts on the same SQLite file', () => {
  it('then it is refused, naming the pid of the process that owns the file, and starts once that one stopped', async () => {
    const env = childEnv();
    const first = await startServiceProcess(env);
    try {
      const message = await refusal(env);
      expect(message).toMatch(/^exited 1: /);
      expect(message).toContain(`in use by another mpesa-bridge process (pid ${first.child.pid}`);
      expect(message).toContain('DATA_DIR');
    } finally {
      await stop(first);
    }
    // Stopped cleanly: the next start owns the file.
    const next = await startServiceProcess(env);
    await stop(next);
  }, 60_000);

  it('then an owner killed with SIGKILL does not block the next start', async () => {
    const env = childEnv();
    const first = await startServiceProcess(env);
    const exited = new Promise((resolve) => first.child.once('exit', resolve));
    first.child.kill('SIGKILL');
    await exited;
    const next = await startServiceProcess(env);
    await stop(next);
  }, 60_000);
});

describe('when a second service starts on a port that is taken', () => {
  it('then it says the port is taken and how to choose another, as npm run demo does', async () => {
    const first = await startServiceProcess(childEnv());
    try {
      const port = new URL(first.url).port;
      const message = await refusal(childEnv({ PORT: port }));
      expect(message).toContain(`port ${port} is taken (is \`npm start\` or \`npm run demo\` running?)`);
      expect(message).toContain('PORT=3100 npm start');
    } finally {
      await stop(first);
    }
  }, 60_000);
});
