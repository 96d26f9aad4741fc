// `tsx scripts/dockerfile/main.ts`: builds the Dockerfile's stages on this machine (no Docker
// engine runs here), exactly as written, each in a temporary folder, then starts the final
// stage's CMD, waits for its readiness path, runs its HEALTHCHECK, checks that its
// node_modules holds no development dependency, reports its size, and stops it.
// Any failure exits 1 naming the step. What the runner can and cannot mirror: README.md beside this file.
//
//   --file Dockerfile   --context .   --ready /ready   --port-env PORT
//   --forbid typescript,prisma,jest   --env NAME=value (repeatable)   --keep
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDockerfile } from './dockerfile.parse';
import { parseDockerignore } from './dockerignore';
import { inspectNodeModules, megabytes } from './image-inspect';
import { runHealthcheck, startImage } from './image-start';
import { runStages } from './stage-runner';

interface Options {
  file: string;
  context: string;
  ready: string;
  portEnv: string;
  forbid: string[];
  env: Record<string, string>;
  keep: boolean;
  readyTimeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const options: Options = {
    file: 'Dockerfile',
    context: '.',
    ready: '/ready',
    portEnv: 'PORT',
    forbid: [],
    env: {},
    keep: false,
    readyTimeoutMs: 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = () => {
      const next = argv[++i];
      if (next === undefined) throw new Error(`${flag} needs a value`);
      return next;
    };
    if (flag === '--file') options.file = value();
    else if (flag === '--context') options.context = value();
    else if (flag === '--ready') options.ready = value();
    else if (flag === '--port-env') options.portEnv = value();
    else if (flag === '--forbid') options.forbid.push(...value().split(',').filter(Boolean));
    else if (flag === '--ready-timeout-ms') options.readyTimeoutMs = Number(value());
    else if (flag === '--keep') options.keep = true;
    else if (flag === '--env') {
      const pair = value();
      const at = pair.indexOf('=');
      if (at <= 0) throw new Error(`--env expects NAME=value, got ${pair}`);
      options.env[pair.slice(0, at)] = pair.slice(at + 1);
    } else throw new Error(`unknown option ${flag}`);
  }
  return options;
}

export async function main(
  argv: string[],
  log: (line: string) => void = (line) => process.stdout.write(`${line}\n`),
): Promise<void> {
  const options = parseArgs(argv);
  const context = path.resolve(options.context);
  const dockerfile = path.resolve(context, options.file);
  const ignoreFile = path.join(context, '.dockerignore');
  const stages = parseDockerfile(fs.readFileSync(dockerfile, 'utf8'));
  const workRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'dockerfile-stages-'));
  log(
    `Dockerfile stage runner: ${path.relative(process.cwd(), dockerfile) || dockerfile}, ${stages.length} stage(s), context ${context}, in ${workRoot}`,
  );
  let succeeded = false;
  try {
    const results = await runStages(stages, {
      context,
      ignore: parseDockerignore(fs.existsSync(ignoreFile) ? fs.readFileSync(ignoreFile, 'utf8') : ''),
      workRoot,
      hostEnv: process.env,
      log,
    });
    const final = results.at(-1)!;
    const started = await startImage(final, {
      readyPath: options.ready,
      portVariable: options.portEnv,
      env: options.env,
      hostEnv: process.env,
      readyTimeoutMs: options.readyTimeoutMs,
      stopTimeoutMs: 15_000,
      log,
    });
    try {
      runHealthcheck(final, started, log);
      const report = inspectNodeModules(
        final.paths.file(final.workdir),
        path.join(context, 'package-lock.json'),
        options.forbid,
      );
      log(`\n== final stage's node_modules: ${report.packages} packages, ${megabytes(report.bytes)}`);
      const problems = [
        ...report.devOnly.map((key) => `${key} is a development dependency (package-lock.json)`),
        ...report.forbidden.map((key) => `${key} must not ship (--forbid)`),
        ...report.danglingLinks.map((key) => `${key} is a link to a folder the image does not have`),
      ];
      if (problems.length)
        throw new Error(`the final stage ships what it should not:\n  ${problems.join('\n  ')}`);
      log(
        `   no development dependency${options.forbid.length ? `; none of ${options.forbid.join(', ')}` : ''}`,
      );
      await started.stop();
    } finally {
      started.kill();
    }
    succeeded = true;
    log('\nDockerfile stage runner: OK');
  } finally {
    if (succeeded && !options.keep) fs.rmSync(workRoot, { recursive: true, force: true });
    else log(`(stage folders kept in ${workRoot})`);
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((error: unknown) => {
    process.stderr.write(
      `\nDockerfile stage runner FAILED: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}
