// Runs a Dockerfile's stages on this machine, in the order written, each in a folder of its own
// that stands for the stage's filesystem root: COPY copies (from the build context, honouring
// .dockerignore, or --from an earlier stage), RUN runs with `sh -c` in the mapped WORKDIR with
// the stage's ENV, and what the image would start with (CMD, HEALTHCHECK, ENV) is kept for
// image-start.ts. Any step that fails stops the run with its line number.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { Command, Instruction, Stage } from './dockerfile.parse';
import { globRegex, hasExceptions, isIgnored, type Rule } from './dockerignore';
import { ownedDirectories, pathMap, type PathMap } from './image-paths';
import { checkOsPackages, isOsPackageStep } from './os-packages';

export interface StageResult {
  stage: Stage;
  paths: PathMap;
  /** Image path of the current WORKDIR. */
  workdir: string;
  /** ENV as written (image paths, not mapped). */
  env: Map<string, string>;
  cmd?: Command;
  entrypoint?: Command;
  healthcheck?: Command;
  stopSignal?: string;
  volumes: string[];
}

export interface RunOptions {
  context: string;
  ignore: readonly Rule[];
  /** A fresh folder; each stage gets a subfolder. */
  workRoot: string;
  /** The machine's environment the RUN steps start from (PATH, HOME: npm's cache and config). */
  hostEnv: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export class StepFailed extends Error {}

export async function runStages(stages: readonly Stage[], options: RunOptions): Promise<StageResult[]> {
  const owned = ownedDirectories(stages);
  options.log(`image directories mapped into each stage's folder: ${owned.join(', ') || '(none)'}`);
  const results: StageResult[] = [];
  for (const stage of stages) {
    const root = path.join(options.workRoot, `${stage.index}-${stage.name.replace(/[^\w.-]/g, '_')}`);
    const parent = results.find((done) => done.stage.name === stage.base);
    const result: StageResult = parent
      ? {
          ...parent,
          stage,
          paths: pathMap(root, owned),
          env: new Map(parent.env),
          volumes: [...parent.volumes],
        }
      : { stage, paths: pathMap(root, owned), workdir: '/', env: new Map(), volumes: [] };
    fs.mkdirSync(root, { recursive: true });
    if (parent) fs.cpSync(parent.paths.root, root, { recursive: true, verbatimSymlinks: true });
    options.log(
      `\n== stage ${stage.name} (line ${stage.line}): FROM ${stage.base}${parent ? ' (copied from that stage)' : ''}`,
    );
    if (!parent)
      options.log(`   base image stands in for this machine: Node ${process.version}, ${process.platform}`);
    const args = new Map<string, string>();
    for (const [position, step] of stage.instructions.entries()) {
      const label = `[${stage.name} ${position + 1}/${stage.instructions.length}] line ${step.line}`;
      await runInstruction(step, { result, args, results, options, label });
    }
    results.push(result);
  }
  return results;
}

interface StepContext {
  result: StageResult;
  args: Map<string, string>;
  results: readonly StageResult[];
  options: RunOptions;
  label: string;
}

/** `$NAME`, `${NAME}` and `${NAME:-default}` from the stage's ARG and ENV values, as Docker expands them outside RUN. */
function expand(text: string, ctx: StepContext): string {
  const lookup = (name: string) => ctx.result.env.get(name) ?? ctx.args.get(name);
  return text.replace(
    /\$\{(\w+)(?::-([^}]*))?\}|\$(\w+)/g,
    (_match, braced: string, fallback: string | undefined, bare: string) => {
      const value = lookup(braced ?? bare);
      return value === undefined || value === '' ? (fallback ?? '') : value;
    },
  );
}

const imagePath = (workdir: string, target: string) =>
  target.startsWith('/') ? path.posix.normalize(target) : path.posix.join(workdir, target);

async function runInstruction(step: Instruction, ctx: StepContext): Promise<void> {
  const { result, options, label } = ctx;
  switch (step.kind) {
    case 'WORKDIR':
      result.workdir = imagePath(result.workdir, expand(step.path, ctx));
      fs.mkdirSync(result.paths.file(result.workdir), { recursive: true });
      options.log(`${label} WORKDIR ${result.workdir}`);
      return;
    case 'ENV':
      for (const [name, value] of step.vars) result.env.set(name, expand(value, ctx));
      options.log(`${label} ENV ${step.vars.map(([name]) => `${name}=${result.env.get(name)}`).join(' ')}`);
      return;
    case 'ARG':
      if (!ctx.args.has(step.name)) ctx.args.set(step.name, step.value ?? '');
      options.log(`${label} ARG ${step.name}=${ctx.args.get(step.name)}`);
      return;
    case 'COPY':
      copy(step, ctx);
      return;
    case 'RUN':
      await run(step.command, ctx, step.line);
      return;
    case 'USER':
      options.log(
        `${label} USER ${step.user}: noted, not switched (the steps run as ${process.getuid?.() === 0 ? 'root' : 'this user'} here)`,
      );
      return;
    case 'VOLUME':
      for (const volume of step.paths.map((p) => imagePath(result.workdir, expand(p, ctx)))) {
        fs.mkdirSync(result.paths.file(volume), { recursive: true });
        result.volumes.push(volume);
      }
      options.log(
        `${label} VOLUME ${step.paths.join(' ')} (a folder in the stage, as an empty volume would be)`,
      );
      return;
    case 'EXPOSE':
      options.log(`${label} EXPOSE ${step.ports.join(' ')}: noted (the start uses a free port)`);
      return;
    case 'HEALTHCHECK':
      if (step.command) result.healthcheck = step.command;
      else delete result.healthcheck;
      options.log(`${label} HEALTHCHECK ${step.command ? 'kept: run once the service is ready' : 'NONE'}`);
      return;
    case 'CMD':
      result.cmd = step.command;
      options.log(`${label} CMD kept for the start`);
      return;
    case 'ENTRYPOINT':
      result.entrypoint = step.command;
      options.log(`${label} ENTRYPOINT kept for the start`);
      return;
    case 'STOPSIGNAL':
      result.stopSignal = step.signal;
      return;
    case 'LABEL':
      return;
  }
}

function fail(ctx: StepContext, message: string): never {
  throw new StepFailed(`${ctx.label}: ${message}`);
}

function copy(step: Extract<Instruction, { kind: 'COPY' }>, ctx: StepContext): void {
  const { result, options } = ctx;
  const dest = expand(step.dest, ctx);
  const destImage = imagePath(result.workdir, dest);
  const sources = step.sources.map((source) => expand(source, ctx));
  const wildcard = sources.some((source) => /[*?[]/.test(source));
  const intoDirectory = dest.endsWith('/') || dest === '.' || sources.length > 1 || wildcard;
  if ((sources.length > 1 || wildcard) && !dest.endsWith('/') && dest !== '.')
    fail(ctx, `COPY with several sources needs a destination ending in /: ${dest}`);
  const notes = step.ignoredFlags.length
    ? ` (--${step.ignoredFlags.join(', --')}: noted, ownership is not changed here)`
    : '';
  options.log(
    `${ctx.label} COPY ${step.from ? `--from=${step.from} ` : ''}${sources.join(' ')} ${dest}${notes}`,
  );

  const target = result.paths.file(destImage);
  if (step.from !== undefined) {
    const from = ctx.results.find(
      (done) => done.stage.name === step.from || String(done.stage.index) === step.from,
    );
    if (!from)
      fail(ctx, `COPY --from=${step.from}: no earlier stage has that name (images are not pulled here)`);
    for (const source of sources) {
      const file = from.paths.file(imagePath('/', source));
      if (!fs.existsSync(file) && !isSymlink(file))
        fail(ctx, `COPY --from=${step.from} ${source}: not found in that stage`);
      place(file, target, intoDirectory, (from_, to) =>
        fs.cpSync(from_, to, { recursive: true, verbatimSymlinks: true, force: true }),
      );
    }
    return;
  }

  for (const source of sources) {
    const matches = wildcard ? contextMatches(options, source) : [cleanSource(source)];
    if (matches.length === 0)
      fail(ctx, `COPY ${source}: no file in the build context matches (or .dockerignore leaves it out)`);
    for (const relative of matches) {
      const file = path.join(options.context, relative);
      if (relative !== '' && (isIgnored(options.ignore, relative) || !fs.existsSync(file))) {
        fail(
          ctx,
          `COPY ${source}: not in the build context${fs.existsSync(file) ? ' (.dockerignore leaves it out)' : ''}`,
        );
      }
      place(file, target, intoDirectory, (from_, to) => copyFromContext(options, from_, to));
    }
  }
}

/** A file goes to dest (or into it); a directory's contents go into dest, as Docker does. */
function place(
  source: string,
  target: string,
  intoDirectory: boolean,
  copyTree: (from: string, to: string) => void,
): void {
  const stat = fs.lstatSync(source);
  if (stat.isDirectory()) {
    fs.mkdirSync(target, { recursive: true });
    for (const entry of fs.readdirSync(source)) copyTree(path.join(source, entry), path.join(target, entry));
    return;
  }
  const file =
    intoDirectory || (fs.existsSync(target) && fs.statSync(target).isDirectory())
      ? path.join(target, path.basename(source))
      : target;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  copyTree(source, file);
}

function copyFromContext(options: RunOptions, from: string, to: string): void {
  const relative = path.relative(options.context, from).split(path.sep).join('/');
  const ignored = isIgnored(options.ignore, relative);
  const stat = fs.lstatSync(from);
  if (stat.isDirectory()) {
    if (ignored && !hasExceptions(options.ignore)) return;
    if (!ignored) fs.mkdirSync(to, { recursive: true });
    for (const entry of fs.readdirSync(from))
      copyFromContext(options, path.join(from, entry), path.join(to, entry));
    return;
  }
  if (ignored) return;
  fs.mkdirSync(path.dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) {
    fs.rmSync(to, { force: true });
    fs.symlinkSync(fs.readlinkSync(from), to);
  } else fs.copyFileSync(from, to);
}

function cleanSource(source: string): string {
  const normalized = path.posix.normalize(source.replace(/^\/+/, ''));
  if (normalized.startsWith('..')) throw new StepFailed(`COPY ${source}: outside the build context`);
  return normalized === '.' ? '' : normalized.replace(/\/+$/, '');
}

function contextMatches(options: RunOptions, pattern: string): string[] {
  const regex = globRegex(cleanSource(pattern));
  const depth = cleanSource(pattern).split('/').length;
  const found: string[] = [];
  const walk = (relative: string, level: number) => {
    for (const entry of fs.readdirSync(path.join(options.context, relative), { withFileTypes: true })) {
      const child = relative ? `${relative}/${entry.name}` : entry.name;
      if (level === depth) {
        if (regex.test(child) && !isIgnored(options.ignore, child)) found.push(child);
      } else if (entry.isDirectory()) walk(child, level + 1);
    }
  };
  walk('', 1);
  return found.sort();
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The environment a RUN or the started command sees: the machine's PATH and HOME, then the stage's ENV and ARGs, mapped. */
export function stageEnvironment(
  result: StageResult,
  base: NodeJS.ProcessEnv,
  args: ReadonlyMap<string, string> = new Map(),
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {
    PATH: base.PATH,
    HOME: base.HOME,
    ...(base.TMPDIR ? { TMPDIR: base.TMPDIR } : {}),
  };
  for (const [name, value] of args) env[name] = value;
  for (const [name, value] of result.env) env[name] = result.paths.value(value);
  return env;
}

async function run(command: Command, ctx: StepContext, line: number): Promise<void> {
  const { result, options, label } = ctx;
  const shown = command.form === 'shell' ? command.script : JSON.stringify(command.argv);
  if (command.form === 'shell' && isOsPackageStep(command.script)) {
    options.log(`${label} RUN ${shown}`);
    options.log(`   OS packages: not installed on this machine; checking it already has them`);
    const missing = checkOsPackages(command.script);
    if (missing.length)
      fail(
        ctx,
        `this machine lacks OS packages the image installs: ${missing.join(', ')} (apt-get install -y ${missing.join(' ')})`,
      );
    return;
  }
  options.log(`${label} RUN ${shown}`);
  const started = Date.now();
  const argv =
    command.form === 'shell'
      ? ['sh', '-c', result.paths.script(command.script)]
      : command.argv.map((arg) => result.paths.script(arg));
  const code = await new Promise<number | string>((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), {
      cwd: result.paths.file(result.workdir),
      env: stageEnvironment(result, options.hostEnv, ctx.args),
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    child.once('error', reject);
    child.once('exit', (exitCode, signal) => resolve(exitCode ?? signal ?? 'unknown'));
  });
  if (code !== 0) fail(ctx, `RUN failed (exit ${code}) at line ${line}: ${shown}`);
  options.log(`   done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
}
