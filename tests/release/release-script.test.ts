// scripts/release.ts run for real on a copy of the repository (its own git history, the
// repository's installed node_modules linked in), with npm pointed at a closed port and told to
// stay offline: the release builds, checks and packs both packages, prints the publish commands,
// and a dry run leaves the tree as it found it.
import { execFile, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { nextVersion, releaseChangelog } from '../../scripts/release';
import { closedPortUrl } from '../sdk/sdk-client';

const ROOT = path.join(__dirname, '..', '..');
const RELEASE_MS = 300_000;
const run = promisify(execFile);

let copy: string;
let registry: string;
beforeAll(async () => {
  registry = await closedPortUrl();
  copy = fs.mkdtempSync(path.join(os.tmpdir(), 'release-'));
  // The tracked (and new, not ignored) files of the packages and of what builds them.
  const listed = execFileSync(
    'git',
    ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'sdk', 'cli', 'scripts'],
    { cwd: ROOT, encoding: 'utf8' },
  )
    .split('\n')
    .filter(Boolean);
  for (const relative of [...listed, 'package.json', 'package-lock.json', '.gitignore', 'docs/sdks.md']) {
    if (!fs.existsSync(path.join(ROOT, relative))) continue;
    fs.mkdirSync(path.dirname(path.join(copy, relative)), { recursive: true });
    fs.copyFileSync(path.join(ROOT, relative), path.join(copy, relative));
  }
  // node_modules as `npm install` leaves it, but the workspaces linked to the copy's own folders.
  fs.mkdirSync(path.join(copy, 'node_modules', '@mpesa-bridge'), { recursive: true });
  for (const name of fs.readdirSync(path.join(ROOT, 'node_modules'))) {
    if (name === '@mpesa-bridge' || name === 'mpesa-bridge-cli') continue;
    fs.symlinkSync(path.join(ROOT, 'node_modules', name), path.join(copy, 'node_modules', name));
  }
  fs.symlinkSync('../../sdk', path.join(copy, 'node_modules', '@mpesa-bridge', 'sdk'));
  fs.symlinkSync('../cli', path.join(copy, 'node_modules', 'mpesa-bridge-cli'));
  if (fs.existsSync(path.join(ROOT, 'cli', 'node_modules')))
    fs.symlinkSync(path.join(ROOT, 'cli', 'node_modules'), path.join(copy, 'cli', 'node_modules'));
  // What the SDK's next release brings, as a contributor writes it.
  const changelog = path.join(copy, 'sdk', 'CHANGELOG.md');
  fs.writeFileSync(
    changelog,
    fs
      .readFileSync(changelog, 'utf8')
      .replace('## Unreleased\n', '## Unreleased\n\n- `transactions.list` takes a `phone` filter.\n'),
  );
  // The CLI's next release brings nothing of its own (whatever main's Unreleased says), so the
  // script writes what it releases with.
  const cliChangelog = path.join(copy, 'cli', 'CHANGELOG.md');
  fs.writeFileSync(
    cliChangelog,
    fs.readFileSync(cliChangelog, 'utf8').replace(/## Unreleased\n[\s\S]*?(?=\n## )/, '## Unreleased\n'),
  );
  git('init', '-q');
  git('add', '-A');
  git('commit', '-qm', 'Before the release');
});
afterAll(() => fs.rmSync(copy, { recursive: true, force: true }));

function git(...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=Test', '-c', 'user.email=test@example.com', ...args], {
    cwd: copy,
    encoding: 'utf8',
  });
}

async function releaseScript(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const tsx = path.join(ROOT, 'node_modules', '.bin', 'tsx');
  try {
    const { stdout, stderr } = await run(tsx, [path.join(copy, 'scripts', 'release.ts'), ...args], {
      cwd: copy,
      env: {
        PATH: process.env.PATH ?? '',
        HOME: copy,
        // Any registry call fails at once: the release must not need the network.
        npm_config_registry: registry,
        npm_config_offline: 'true',
        npm_config_cache: path.join(copy, '.npm-cache'),
        npm_config_update_notifier: 'false',
      },
      maxBuffer: 20_000_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

/** A file of a tarball, as the registry would serve it (npm puts everything under package/). */
function fromTarball(tarball: string, file: string): string {
  return execFileSync('tar', ['-xzOf', tarball, `package/${file}`], { encoding: 'utf8' });
}

describe('scripts/release.ts (dry run, the default)', () => {
  it(
    'when a minor release is rehearsed offline, then both packages are built, checked and packed at 0.2.0, the publish commands are printed SDK first, and the tree is left as it was',
    async () => {
      const out = path.join(copy, 'packages');
      const result = await releaseScript('minor', '--date', '2026-12-06', '--out', out);
      expect(result.stderr).not.toMatch(/ERR!/);
      expect(result.code).toBe(0);

      const sdkTarball = path.join(out, 'mpesa-bridge-sdk-0.2.0.tgz');
      const cliTarball = path.join(out, 'mpesa-bridge-cli-0.2.0.tgz');
      const publish = result.stdout.split('\n').filter((line) => line.startsWith('npm publish'));
      expect(publish).toEqual([
        `npm publish ${sdkTarball} --access public`,
        `npm publish ${cliTarball} --access public`,
      ]);
      // Both package checks ran on the new version.
      expect(result.stdout).toMatch(/@mpesa-bridge\/sdk 0\.2\.0: \d+ files as expected, types resolve/);
      expect(result.stdout).toMatch(/mpesa-bridge-cli 0\.2\.0: \d+ files, runs from dist\//);

      const sdk = JSON.parse(fromTarball(sdkTarball, 'package.json')) as { version: string };
      const cli = JSON.parse(fromTarball(cliTarball, 'package.json')) as {
        version: string;
        dependencies: Record<string, string>;
      };
      expect(sdk.version).toBe('0.2.0');
      expect(cli.version).toBe('0.2.0');
      expect(cli.dependencies['@mpesa-bridge/sdk']).toBe('^0.2.0');
      // The User-Agent's version is built in, not read at run time.
      expect(fromTarball(sdkTarball, 'dist/cjs/version.js')).toContain("SDK_VERSION = '0.2.0'");

      const sdkChangelog = fromTarball(sdkTarball, 'CHANGELOG.md');
      expect(sdkChangelog).toMatch(
        /## Unreleased\n\n## 0\.2\.0 \(2026-12-06\)\n\n- `transactions\.list` takes a `phone` filter\.\n/,
      );
      expect(fromTarball(cliTarball, 'CHANGELOG.md')).toMatch(
        /## Unreleased\n\n## 0\.2\.0 \(2026-12-06\)\n\n- Released with @mpesa-bridge\/sdk 0\.2\.0\.\n/,
      );
      for (const tarball of [sdkTarball, cliTarball])
        expect(fromTarball(tarball, 'LICENSE')).toMatch(/^MIT License/);

      // A dry run: the version files and CHANGELOGs are back as committed.
      expect(git('status', '--porcelain', '--untracked-files=no')).toBe('');
      expect(JSON.parse(fs.readFileSync(path.join(copy, 'sdk', 'package.json'), 'utf8')).version).toBe(
        '0.1.0',
      );
      // The install lines of the READMEs name the new tarballs (in the packed README too).
      expect(fromTarball(sdkTarball, 'README.md')).toContain('npm install ./mpesa-bridge-sdk-0.2.0.tgz');
      expect(fromTarball(cliTarball, 'README.md')).toContain('./mpesa-bridge-cli-0.2.0.tgz');
      expect(result.stdout).toMatch(/Dry run: .*docs\/sdks\.md.* put back/);
    },
    RELEASE_MS,
  );

  it('when the tree has uncommitted changes, then it refuses before building anything', async () => {
    fs.appendFileSync(path.join(copy, 'sdk', 'README.md'), '\nA change not yet committed.\n');
    try {
      const out = path.join(copy, 'refused');
      const result = await releaseScript('patch', '--out', out);
      expect(result.code).toBe(1);
      expect(result.stderr).toContain('The working tree is not clean');
      expect(result.stderr).toContain('sdk/README.md');
      expect(fs.existsSync(out)).toBe(false);
    } finally {
      git('checkout', '--', 'sdk/README.md');
    }
  });
});

describe('the release rules', () => {
  it('when a bump is named, then the next version follows semver; a version not after the current one is refused', () => {
    expect(nextVersion('0.1.0', 'patch')).toBe('0.1.1');
    expect(nextVersion('0.1.3', 'minor')).toBe('0.2.0');
    expect(nextVersion('0.9.1', 'major')).toBe('1.0.0');
    expect(nextVersion('0.1.0', '0.2.0-beta.1')).toBe('0.2.0-beta.1');
    expect(nextVersion('0.2.0-beta.1', '0.2.0')).toBe('0.2.0');
    expect(() => nextVersion('0.2.0', '0.2.0-beta.1')).toThrow(/not after/);
    expect(() => nextVersion('0.2.0', '0.1.9')).toThrow(/not after/);
    expect(() => nextVersion('0.2.0', 'next')).toThrow(/Expected patch, minor, major/);
  });

  it('when the Unreleased section is empty, then the SDK has nothing to release and the CLI gets the given entry', () => {
    const empty = '# Changelog\n\n## Unreleased\n\n## 0.1.0\n\n- First.\n';
    expect(() => releaseChangelog(empty, '0.2.0', '2026-12-06')).toThrow(/nothing to release/);
    expect(releaseChangelog(empty, '0.2.0', '2026-12-06', '- Released with the SDK.')).toBe(
      '# Changelog\n\n## Unreleased\n\n## 0.2.0 (2026-12-06)\n\n- Released with the SDK.\n\n## 0.1.0\n\n- First.\n',
    );
    expect(() => releaseChangelog('# Changelog\n', '0.2.0', '2026-12-06', '-')).toThrow(/no "## Unreleased"/);
  });
});
