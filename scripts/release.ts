// A release of the TypeScript SDK and the CLI, everything but the upload: a clean tree, one new
// version for both (the CLI depending on the SDK of the same release), the CHANGELOGs' Unreleased
// sections turned into that version's heading, both packages built and checked
// (`check-package`), packed into a folder, and the `npm publish` commands printed, never run.
//
//   npx tsx scripts/release.ts <patch|minor|major|X.Y.Z> [--apply] [--out DIR] [--date YYYY-MM-DD]
//
// The default is a dry run: the tarballs are made and checked, then every file the release
// changed is put back, so it can be rehearsed at any time. `--apply` keeps the changes for the
// release commit and prints the git commands that go with it. Either way nothing is uploaded.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const SDK = { name: '@mpesa-bridge/sdk', dir: 'sdk' };
const CLI = { name: 'mpesa-bridge-cli', dir: 'cli' };
const SEMVER = /^(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?$/;
const UNRELEASED = /^## Unreleased[ \t]*\r?\n([\s\S]*?)(?=^## |(?![\s\S]))/m;

export function nextVersion(current: string, bump: string): string {
  const parts = SEMVER.exec(current);
  if (!parts) throw new Error(`The current version ${current} is not semver`);
  const [major, minor, patch] = parts.slice(1, 4).map(Number) as [number, number, number];
  if (bump === 'major') return `${major + 1}.0.0`;
  if (bump === 'minor') return `${major}.${minor + 1}.0`;
  if (bump === 'patch') return `${major}.${minor}.${patch + 1}`;
  const wanted = SEMVER.exec(bump);
  if (!wanted) throw new Error(`Expected patch, minor, major or a version like 1.2.3, got ${bump}`);
  if (compareVersions(bump, current) <= 0)
    throw new Error(`${bump} is not after the current version ${current}`);
  return bump;
}

/** Release order of two semver versions; a pre-release comes before its release. */
function compareVersions(a: string, b: string): number {
  const [pa, pb] = [SEMVER.exec(a)!, SEMVER.exec(b)!];
  for (let i = 1; i <= 3; i++) if (Number(pa[i]) !== Number(pb[i])) return Number(pa[i]) - Number(pb[i]);
  if (pa[4] === pb[4]) return 0;
  if (!pa[4]) return 1;
  if (!pb[4]) return -1;
  return pa[4] < pb[4] ? -1 : 1;
}

/**
 * The Unreleased section becomes `## VERSION (DATE)` and a fresh, empty Unreleased goes above it.
 * `orElse` is the entry written when the section is empty (the CLI released along with the SDK).
 */
export function releaseChangelog(text: string, version: string, date: string, orElse?: string): string {
  const section = UNRELEASED.exec(text);
  if (!section) throw new Error('CHANGELOG.md has no "## Unreleased" section');
  let entries = section[1]!.trim();
  if (!entries) {
    if (!orElse) throw new Error('Nothing under "## Unreleased" in CHANGELOG.md: nothing to release');
    entries = orElse;
  }
  const released = `## Unreleased\n\n## ${version} (${date})\n\n${entries}\n\n`;
  return text.slice(0, section.index) + released + text.slice(section.index + section[0].length);
}

interface Options {
  bump: string;
  apply: boolean;
  out: string;
  date: string;
}

function parseArguments(argv: string[]): Options {
  const options: Options = {
    bump: '',
    apply: false,
    out: path.join(ROOT, 'dist', 'release'),
    date: new Date().toISOString().slice(0, 10),
  };
  for (let i = 0; i < argv.length; i++) {
    const argument = argv[i]!;
    if (argument === '--apply') options.apply = true;
    else if (argument === '--dry-run') options.apply = false;
    else if (argument === '--out') options.out = path.resolve(argv[++i] ?? '');
    else if (argument === '--date') options.date = argv[++i] ?? '';
    else if (!argument.startsWith('-') && !options.bump) options.bump = argument;
    else throw new Error(`Unknown argument ${argument}`);
  }
  if (!options.bump) throw new Error('Usage: release.ts <patch|minor|major|X.Y.Z> [--apply] [--out DIR]');
  if (!/^\d{4}-\d{2}-\d{2}$/.test(options.date)) throw new Error('--date takes YYYY-MM-DD');
  return options;
}

/** Runs a step in the repository, its output shown; `quiet` keeps output that is data (JSON). */
const run = (command: string, args: string[], quiet = false) => {
  console.log(`$ ${command} ${args.join(' ')}`);
  const output = execFileSync(command, args, {
    cwd: ROOT,
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (!quiet) process.stdout.write(output);
  return output;
};
const file = (relative: string) => path.join(ROOT, relative);
interface Manifest {
  version: string;
  dependencies?: Record<string, string>;
}
interface Lock {
  packages: Record<string, Manifest>;
}
const readJson = <T>(relative: string) => JSON.parse(fs.readFileSync(file(relative), 'utf8')) as T;

/** The pages whose install lines name the tarballs (npm install ./mpesa-bridge-sdk-X.Y.Z.tgz). */
const INSTALL_PAGES = ['sdk/README.md', 'cli/README.md', 'docs/sdks.md'];

/** Every file the release rewrites, with its new text; the old text is kept to put back. */
function releaseEdits(current: string, version: string, date: string): Map<string, string> {
  const edits = new Map<string, string>();
  for (const page of INSTALL_PAGES) {
    if (!fs.existsSync(file(page))) continue;
    const text = fs.readFileSync(file(page), 'utf8');
    const updated = text
      .replaceAll(`mpesa-bridge-sdk-${current}.tgz`, `mpesa-bridge-sdk-${version}.tgz`)
      .replaceAll(`mpesa-bridge-cli-${current}.tgz`, `mpesa-bridge-cli-${version}.tgz`)
      .replaceAll(`\`${SDK.name}\` | ${current} |`, `\`${SDK.name}\` | ${version} |`)
      .replaceAll(`\`${CLI.name}\` ${current}`, `\`${CLI.name}\` ${version}`);
    if (updated !== text) edits.set(page, updated);
  }
  const json = <T>(relative: string, change: (value: T) => void) => {
    const value = readJson<T>(relative);
    change(value);
    edits.set(relative, JSON.stringify(value, null, 2) + '\n');
  };
  json<Manifest>('sdk/package.json', (manifest) => (manifest.version = version));
  json<Manifest>('cli/package.json', (manifest) => {
    manifest.version = version;
    manifest.dependencies = { ...manifest.dependencies, [SDK.name]: `^${version}` };
  });
  // The lock records the workspaces' versions too; `npm ci` refuses a lock out of step.
  json<Lock>('package-lock.json', (lock) => {
    const [sdk, cli] = [lock.packages[SDK.dir], lock.packages[CLI.dir]];
    if (!sdk || !cli) throw new Error('package-lock.json does not list the sdk and cli workspaces');
    sdk.version = version;
    cli.version = version;
    cli.dependencies = { ...cli.dependencies, [SDK.name]: `^${version}` };
  });
  const versionTs = fs.readFileSync(file('sdk/src/version.ts'), 'utf8');
  const sdkVersion = /export const SDK_VERSION = '[^']*';/;
  if (!sdkVersion.test(versionTs)) throw new Error('sdk/src/version.ts has no SDK_VERSION line');
  edits.set('sdk/src/version.ts', versionTs.replace(sdkVersion, `export const SDK_VERSION = '${version}';`));
  for (const { dir } of [SDK, CLI]) {
    const relative = `${dir}/CHANGELOG.md`;
    const orElse = dir === CLI.dir ? `- Released with ${SDK.name} ${version}.` : undefined;
    edits.set(relative, releaseChangelog(fs.readFileSync(file(relative), 'utf8'), version, date, orElse));
  }
  return edits;
}

export function release(options: Options): void {
  const dirty = run('git', ['status', '--porcelain'], true).trim();
  if (dirty) throw new Error(`The working tree is not clean; commit or stash first:\n${dirty}`);
  const current = readJson<Manifest>('sdk/package.json').version;
  const cliCurrent = readJson<Manifest>('cli/package.json').version;
  const base = compareVersions(current, cliCurrent) >= 0 ? current : cliCurrent;
  const version = nextVersion(base, options.bump);
  console.log(`Releasing ${SDK.name} and ${CLI.name} ${version} (from ${current} / ${cliCurrent})`);

  const edits = releaseEdits(base, version, options.date);
  const originals = new Map(
    [...edits.keys()].map((relative) => [relative, fs.readFileSync(file(relative), 'utf8')]),
  );
  const restore = () => originals.forEach((text, relative) => fs.writeFileSync(file(relative), text));
  let tarballs: string[];
  try {
    edits.forEach((text, relative) => fs.writeFileSync(file(relative), text));
    for (const { name } of [SDK, CLI]) {
      run(npm, ['run', 'build', '-w', name]);
      run(npm, ['run', 'check-package', '-w', name]);
    }
    fs.mkdirSync(options.out, { recursive: true });
    // Built and checked above: --ignore-scripts so prepack does not build a second time.
    const packed = JSON.parse(
      run(
        npm,
        [
          'pack',
          '-w',
          SDK.name,
          '-w',
          CLI.name,
          '--ignore-scripts',
          '--json',
          '--pack-destination',
          options.out,
        ],
        true,
      ),
    ) as Array<{ name: string; filename: string }>;
    tarballs = [SDK, CLI].map(({ name }) => {
      const entry = packed.find((item) => item.name === name);
      if (!entry) throw new Error(`npm pack made no tarball for ${name}`);
      return path.join(options.out, entry.filename);
    });
  } catch (error) {
    restore();
    throw error;
  }
  if (!options.apply) restore();

  // A pre-release goes out under `next`, so `npm install` keeps giving the last release.
  const tag = SEMVER.exec(version)![4] ? ' --tag next' : '';
  console.log(`\nPacked into ${options.out}. To publish (SDK first: the CLI depends on it):`);
  for (const tarball of tarballs) console.log(`npm publish ${tarball} --access public${tag}`);
  if (options.apply) {
    console.log(
      `\nThen commit and tag the release:\ngit commit -am "Release ${version}"\ngit tag v${version}`,
    );
  } else {
    console.log(
      `\nDry run: ${[...edits.keys()].join(', ')} put back. Run with --apply to keep the release's changes.`,
    );
  }
}

if (require.main === module) {
  try {
    release(parseArguments(process.argv.slice(2)));
  } catch (error) {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  }
}
