// The stage runner's reading of Dockerfiles and .dockerignore files (scripts/dockerfile).
import fs from 'node:fs';
import path from 'node:path';
import { DockerfileError, parseDockerfile, words } from '../../scripts/dockerfile/dockerfile.parse';
import { isIgnored, parseDockerignore } from '../../scripts/dockerfile/dockerignore';
import { ownedDirectories, pathMap } from '../../scripts/dockerfile/image-paths';
import { installedPackages, isOsPackageStep } from '../../scripts/dockerfile/os-packages';

describe('when a Dockerfile is parsed', () => {
  const source = [
    '# syntax=docker/dockerfile:1',
    'FROM node:24-bookworm-slim AS build',
    'WORKDIR /app',
    '# a comment inside the file',
    'RUN apt-get update && \\',
    '  # a comment inside a continuation is dropped',
    '  apt-get install -y --no-install-recommends python3 make g++',
    'COPY package.json package-lock.json ./',
    'ENV A=1 \\',
    '    B="two words" C=/data/x',
    'ENV LEGACY value with spaces',
    'FROM node:24-bookworm-slim',
    'COPY --from=build --chown=node:node /app/dist ./dist',
    'HEALTHCHECK --interval=30s CMD node -e "process.exit(0)"',
    'CMD ["node", "dist/main.js"]',
  ].join('\n');

  it('then stages, continued lines, ENV forms, COPY flags and exec/shell forms are read as written', () => {
    const [build, runtime] = parseDockerfile(source);
    expect(build).toMatchObject({ name: 'build', base: 'node:24-bookworm-slim', line: 2 });
    expect(build!.instructions).toEqual([
      { kind: 'WORKDIR', line: 3, path: '/app' },
      {
        kind: 'RUN',
        line: 5,
        command: {
          form: 'shell',
          script: 'apt-get update &&   apt-get install -y --no-install-recommends python3 make g++',
        },
      },
      { kind: 'COPY', line: 8, sources: ['package.json', 'package-lock.json'], dest: './', ignoredFlags: [] },
      {
        kind: 'ENV',
        line: 9,
        vars: [
          ['A', '1'],
          ['B', 'two words'],
          ['C', '/data/x'],
        ],
      },
      { kind: 'ENV', line: 11, vars: [['LEGACY', 'value with spaces']] },
    ]);
    expect(runtime).toMatchObject({ name: '1', index: 1 });
    expect(runtime!.instructions).toEqual([
      {
        kind: 'COPY',
        line: 13,
        from: 'build',
        sources: ['/app/dist'],
        dest: './dist',
        ignoredFlags: ['chown'],
      },
      {
        kind: 'HEALTHCHECK',
        line: 14,
        options: { interval: '30s' },
        command: { form: 'shell', script: 'node -e "process.exit(0)"' },
      },
      { kind: 'CMD', line: 15, command: { form: 'exec', argv: ['node', 'dist/main.js'] } },
    ]);
  });

  it.each([
    ['ADD', 'FROM x\nADD https://example.com/a.tgz /app/'],
    ['SHELL', 'FROM x\nSHELL ["bash", "-c"]'],
    ['RUN --mount', 'FROM x\nRUN --mount=type=cache,target=/root/.npm npm ci'],
    ['a heredoc', 'FROM x\nRUN <<EOF\necho hi\nEOF'],
    ['an instruction before FROM', 'WORKDIR /app\nFROM x'],
  ])('then %s is refused by name rather than skipped', (_what, text) => {
    expect(() => parseDockerfile(text)).toThrow(DockerfileError);
  });

  it("then the repository's own Dockerfile parses", () => {
    const stages = parseDockerfile(fs.readFileSync(path.join(__dirname, '..', '..', 'Dockerfile'), 'utf8'));
    expect(stages.length).toBeGreaterThanOrEqual(2);
  });

  it('then words keep quoted spaces and escapes', () => {
    expect(words(`a "b c" 'd e' f\\ g "h\\"i"`)).toEqual(['a', 'b c', 'd e', 'f g', 'h"i']);
  });
});

describe('when .dockerignore is read as Docker reads it', () => {
  const rules = parseDockerignore(
    ['# comment', 'node_modules', '**/dist', '/data/', 'docs/*.md', '!docs/keep.md', ''].join('\n'),
  );

  it.each([
    ['node_modules', true],
    ['node_modules/x/index.js', true],
    ['sdk/node_modules', false], // anchored at the root: only the top-level one
    ['dist/main.js', true],
    ['sdk/dist/esm/index.js', true],
    ['data/mpesa-bridge.db', true],
    ['database.ts', false],
    ['docs/a.md', true],
    ['docs/keep.md', false],
    ['docs/sub/a.md', false],
    ['src/main.ts', false],
  ])('then %s is ignored: %s', (file, ignored) => {
    expect(isIgnored(rules, file)).toBe(ignored);
  });
});

describe('when image paths are mapped into a stage folder', () => {
  const stages = parseDockerfile(
    'FROM x\nWORKDIR /app\nENV DATA_DIR=/data NODE_OPTIONS=--max-old-space-size=128\nVOLUME ["/data"]\nCOPY a /opt/tool/',
  );
  const map = pathMap('/tmp/stage', ownedDirectories(stages));

  it('then only the directories the Dockerfile creates are mapped, in paths, ENV values and scripts', () => {
    expect(ownedDirectories(stages)).toEqual(['/app', '/data', '/opt']);
    expect(map.value('/data')).toBe('/tmp/stage/data');
    expect(map.value('--max-old-space-size=128')).toBe('--max-old-space-size=128');
    expect(map.value('/app/node_modules/.bin:/usr/bin')).toBe('/tmp/stage/app/node_modules/.bin:/usr/bin');
    expect(map.script('mkdir -p /data && chown 1000:1000 /data; ls /database /usr/bin "/app/x"')).toBe(
      'mkdir -p /tmp/stage/data && chown 1000:1000 /tmp/stage/data; ls /database /usr/bin "/tmp/stage/app/x"',
    );
  });
});

describe('when a RUN installs OS packages', () => {
  it('then it is recognised and its package names are read', () => {
    const script =
      'apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*';
    expect(isOsPackageStep(script)).toBe(true);
    expect(installedPackages(script)).toEqual(['python3', 'make', 'g++']);
    expect(isOsPackageStep('npm ci && apt-get install x')).toBe(false);
  });
});
