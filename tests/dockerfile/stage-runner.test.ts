// The stage runner end to end on a small Dockerfile made here (the repository's own takes
// minutes, `npm ci`; .ci/dockerfile runs that one): real folders, real `sh -c`, a real server
// started to its readiness path, its HEALTHCHECK run and its stop signal obeyed.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDockerfile } from '../../scripts/dockerfile/dockerfile.parse';
import { parseDockerignore } from '../../scripts/dockerfile/dockerignore';
import { inspectNodeModules } from '../../scripts/dockerfile/image-inspect';
import { runHealthcheck, startImage } from '../../scripts/dockerfile/image-start';
import { runStages, StepFailed } from '../../scripts/dockerfile/stage-runner';

const SERVER = `
const fs = require('node:fs');
const http = require('node:http');
// Ready only if the build stage's output and the mapped volume are where the image puts them.
const built = fs.readFileSync('out/built.txt', 'utf8');
fs.writeFileSync(process.env.DATA_DIR + '/started', process.env.SECRET);
const server = http.createServer((req, res) => {
  res.statusCode = req.url === '/ready' && built === 'hello from build' ? 200 : 503;
  res.end(built);
}).listen(Number(process.env.PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

const DOCKERFILE = `
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json ./
COPY src ./src
ENV GREETING="hello from build"
RUN mkdir -p out && node -e "require('fs').writeFileSync('out/built.txt', process.env.GREETING)" && test -f /app/src/app.js
RUN mkdir -p node_modules/dev-tool node_modules/kept && echo '{}' > node_modules/dev-tool/package.json

FROM node:24-bookworm-slim AS runtime
ENV DATA_DIR=/data
WORKDIR /app
COPY --from=build /app/out ./out
COPY --from=build /app/node_modules ./node_modules
COPY server.js ./
RUN mkdir -p /data && test -d /app/out
USER 1000:1000
VOLUME ["/data"]
HEALTHCHECK CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/ready').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
CMD ["node", "server.js"]
`;

let context: string;
let workRoot: string;
const logged: string[] = [];
const log = (line: string) => logged.push(line);

function makeContext(dockerfile: string) {
  context = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-runner-context-'));
  workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'stage-runner-work-'));
  const write = (file: string, text: string) => {
    fs.mkdirSync(path.dirname(path.join(context, file)), { recursive: true });
    fs.writeFileSync(path.join(context, file), text);
  };
  write('Dockerfile', dockerfile);
  write('.dockerignore', 'src/secret.env\n**/node_modules\n');
  write('package.json', '{"name":"fixture"}');
  write('src/app.js', 'module.exports = 1;');
  write('src/secret.env', 'TOKEN=never-copied');
  write('src/node_modules/x/index.js', '');
  write('server.js', SERVER);
  // The lock file's own keys: dev-tool is development-only, kept is a production dependency.
  write(
    'package-lock.json',
    JSON.stringify({ packages: { 'node_modules/dev-tool': { dev: true }, 'node_modules/kept': {} } }),
  );
}

const options = () => ({
  context,
  ignore: parseDockerignore(fs.readFileSync(path.join(context, '.dockerignore'), 'utf8')),
  workRoot,
  hostEnv: process.env,
  log,
});

afterEach(() => {
  fs.rmSync(context, { recursive: true, force: true });
  fs.rmSync(workRoot, { recursive: true, force: true });
  logged.length = 0;
});

describe('when the stage runner follows a Dockerfile', () => {
  it('then each stage is built in its own folder in order, .dockerignore honoured, and the result starts, is healthy and stops cleanly', async () => {
    makeContext(DOCKERFILE);
    const results = await runStages(parseDockerfile(DOCKERFILE), options());
    const [build, runtime] = results;
    const buildApp = build!.paths.file('/app');
    expect(fs.readFileSync(path.join(buildApp, 'out', 'built.txt'), 'utf8')).toBe('hello from build');
    expect(fs.existsSync(path.join(buildApp, 'src', 'app.js'))).toBe(true);
    expect(fs.existsSync(path.join(buildApp, 'src', 'secret.env'))).toBe(false);
    expect(fs.existsSync(path.join(buildApp, 'src', 'node_modules'))).toBe(false);
    expect(runtime!.paths.root).not.toBe(build!.paths.root);
    expect(logged).toEqual(
      expect.arrayContaining([expect.stringMatching(/USER 1000:1000: noted, not switched/)]),
    );

    const started = await startImage(runtime!, {
      readyPath: '/ready',
      portVariable: 'PORT',
      env: { SECRET: 'given-at-start' },
      hostEnv: process.env,
      readyTimeoutMs: 20_000,
      stopTimeoutMs: 10_000,
      log,
    });
    try {
      // DATA_DIR=/data from ENV is the stage's mapped volume, not the machine's /data.
      expect(fs.readFileSync(path.join(runtime!.paths.file('/data'), 'started'), 'utf8')).toBe(
        'given-at-start',
      );
      runHealthcheck(runtime!, started, log);
      await started.stop();
    } finally {
      started.kill();
    }
    expect(logged).toEqual(
      expect.arrayContaining(['   HEALTHCHECK command exited 0 (healthy)', '   stopped by SIGTERM: exit 0']),
    );

    const report = inspectNodeModules(runtime!.paths.file('/app'), path.join(context, 'package-lock.json'), [
      'kept-not',
    ]);
    expect(report).toMatchObject({
      packages: 2,
      devOnly: ['node_modules/dev-tool'],
      forbidden: [],
      danglingLinks: [],
    });
  });

  it('then a failing RUN stops the run, naming its stage, step and line', async () => {
    const broken =
      'FROM node:24-bookworm-slim\nWORKDIR /app\nRUN echo before\nRUN exit 3\nRUN echo never > /app/never';
    makeContext(broken);
    const error: unknown = await runStages(parseDockerfile(broken), options()).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(StepFailed);
    expect((error as Error).message).toBe('[0 3/4] line 4: RUN failed (exit 3) at line 4: exit 3');
    expect(
      fs.readdirSync(workRoot).flatMap((stage) => fs.readdirSync(path.join(workRoot, stage, 'app'))),
    ).toEqual([]);
  });

  it('then a COPY of a file .dockerignore leaves out fails instead of copying it', async () => {
    const leaky = 'FROM node:24-bookworm-slim\nWORKDIR /app\nCOPY src/secret.env ./';
    makeContext(leaky);
    await expect(runStages(parseDockerfile(leaky), options())).rejects.toThrow(
      'COPY src/secret.env: not in the build context (.dockerignore leaves it out)',
    );
  });

  it('then a service that exits before it is ready fails the start with its output', async () => {
    const dying =
      'FROM node:24-bookworm-slim\nWORKDIR /app\nCMD ["node", "-e", "console.error(\'boom: exports is not defined\'); process.exit(1)"]';
    makeContext(dying);
    const [stage] = await runStages(parseDockerfile(dying), options());
    const start = startImage(stage!, {
      readyPath: '/ready',
      portVariable: 'PORT',
      env: {},
      hostEnv: process.env,
      readyTimeoutMs: 20_000,
      stopTimeoutMs: 1_000,
      log,
    });
    await expect(start).rejects.toThrow(
      /the service exited \(1\) before .* was ready:\nboom: exports is not defined/,
    );
  });
});
