// A clone under a folder whose name starts with a dot (~/.cache/..., npx's cache) serves its
// pages: `send` refuses a dot segment anywhere in an absolute path unless the file is given
// relative to a root (issue 18 E1). The service runs from a real copy of the checkout (a copy,
// not a symlink: Node resolves a symlinked entry point to its real path, which has no dot).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import axios from 'axios';
import { childEnv, startServiceProcess, type ServiceProcess } from '../helpers/child-service';

const ROOT = path.join(__dirname, '..', '..');
/** What `src/main.ts` reads from its checkout at start and while serving. */
const COPIED = ['src', 'prisma', path.join('dashboard', 'build'), 'package.json', 'tsconfig.json'];

let dotFolder: string;
let service: ServiceProcess | undefined;

beforeAll(async () => {
  dotFolder = fs.mkdtempSync(path.join(os.tmpdir(), '.dot-test-'));
  const clone = path.join(dotFolder, 'mpesa-bridge');
  for (const entry of COPIED) fs.cpSync(path.join(ROOT, entry), path.join(clone, entry), { recursive: true });
  // Dependencies stay where they are installed: only the project's own files sit under the dot.
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
  service = await startServiceProcess(childEnv(), clone);
}, 60_000);

afterAll(async () => {
  if (service && service.child.exitCode === null) {
    const exited = new Promise((resolve) => service!.child.once('exit', resolve));
    service.child.kill('SIGTERM');
    await exited;
  }
  fs.rmSync(dotFolder, { recursive: true, force: true });
});

describe('when the service runs from a clone under a dot folder', () => {
  it('then the dashboard page, its bundle and the API reference are served (200, not 400)', async () => {
    expect(service!.url).toBeDefined();
    const page = await axios.get(`${service!.url}/dashboard/`, {
      responseType: 'text',
      validateStatus: () => true,
    });
    expect(page.status).toBe(200);
    expect(page.data).toContain('<script src="app.js"></script>');

    const bundle = await axios.get(`${service!.url}/dashboard/app.js`, { validateStatus: () => true });
    expect(bundle.status).toBe(200);
    expect(bundle.headers['content-type']).toMatch(/javascript/);

    const docs = await axios.get(`${service!.url}/docs`, {
      responseType: 'text',
      validateStatus: () => true,
    });
    expect(docs.status).toBe(200);
  });

  it('then a path through a dot segment is still refused (the root does not open dotfiles)', async () => {
    const hidden = await axios.get(`${service!.url}/dashboard/.secret`, { validateStatus: () => true });
    expect(hidden.status).toBe(404);
  });
});
