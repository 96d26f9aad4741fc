// What the SDK's and the CLI's check-package scripts share: the files no published package may
// hold, and whether TypeScript resolves each export entry to types that check, in every mode a
// consumer may compile in. Uses the repository's own TypeScript (a devDependency), no network.
import assert from 'node:assert/strict';
import { readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);

const FORBIDDEN_PATHS = [
  [/(^|\/)(tests?|__tests__|__mocks__|fixtures)\//, 'a test folder'],
  [/\.(test|spec|browser)\.[cm]?[jt]sx?(\.map)?$/, 'a test or its source map'],
  [/^src\//, 'the sources'],
  [/(?<!\.d)\.[cm]?ts$/, 'TypeScript source'],
  [/(^|\/)\.[^/]+$/, 'a dotfile (.env, .npmrc, …)'],
  [/\.(pem|key|p12|pfx|crt|db|sqlite|tgz|log)$/, 'a key, database, archive or log'],
  [/(^|\/)(data|coverage|node_modules)\//, 'local data'],
];
// Real keys, not the `sk_…` of the examples: a long run of key characters after the prefix.
const SECRET_CONTENT = [
  /-----BEGIN [A-Z ]*PRIVATE KEY-----/,
  /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9]{16,}/,
  /\bwhsec_[A-Za-z0-9+/=]{20,}/,
  /\bmbadm_[A-Za-z0-9_-]{16,}/,
];

/** The packed files (paths relative to the package) that must not be published, with the reason. */
export function forbiddenInPackage(files, packageRoot) {
  const found = [];
  for (const file of files) {
    for (const [pattern, reason] of FORBIDDEN_PATHS) if (pattern.test(file)) found.push(`${file}: ${reason}`);
    if (packageRoot) {
      const text = readFileSync(path.join(packageRoot, file), 'utf8');
      for (const pattern of SECRET_CONTENT)
        if (pattern.test(text)) found.push(`${file}: looks like a secret (${pattern.source})`);
    }
  }
  return found;
}

/** A semver version with its own heading in the package's CHANGELOG.md (`## 1.2.3`, maybe dated). */
export function checkVersionAndChangelog(packageRoot, version) {
  assert.match(version, /^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/, `${version} is a semver version`);
  const changelog = readFileSync(path.join(packageRoot, 'CHANGELOG.md'), 'utf8');
  const heading = new RegExp(`^## ${version.replaceAll('.', '\\.')}(?: |$)`, 'm');
  assert.match(changelog, heading, `CHANGELOG.md has a heading for ${version}`);
}

/**
 * For each entry (`@scope/pkg/sub`) and resolution mode, the .d.ts TypeScript picks must be a
 * packed file of the right module format (dist/esm for import, dist/cjs for require), and a
 * consumer importing `value` (or the type `typeOnly[entry]`) from it must compile cleanly.
 * The package is found the way a consumer finds it: through node_modules beside the repository.
 */
export function checkTypesResolve({ packageRoot, files, entries, typeOnly = {} }) {
  const ts = require(require.resolve('typescript', { paths: [packageRoot] }));
  const consumerDir = path.join(packageRoot, '..');
  const modes = [
    {
      name: 'node16 ESM',
      file: 'consumer.mts',
      options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
      format: 'esm',
    },
    {
      name: 'node16 CommonJS',
      file: 'consumer.cts',
      options: { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
      format: 'cjs',
    },
    {
      name: 'bundler',
      file: 'consumer.ts',
      options: { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
      format: 'esm',
    },
    {
      name: 'node10 (typesVersions)',
      file: 'consumer.ts',
      options: { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
      format: 'cjs',
    },
  ];
  for (const mode of modes) {
    const options = {
      ...mode.options,
      target: ts.ScriptTarget.ES2022,
      strict: true,
      noEmit: true,
      skipLibCheck: false,
      types: ['node'],
    };
    const consumer = path.join(consumerDir, `.check-types-${mode.file}`);
    const lines = Object.entries(entries).map(([entry, value], index) => {
      const typeName = typeOnly[entry];
      return value
        ? `import { ${value} as value${index} } from '${entry}';\nexport const use${index}: unknown = value${index};`
        : `import type { ${typeName} as Type${index} } from '${entry}';\nexport type Use${index} = Type${index};`;
    });
    const source = lines.join('\n') + '\n';
    const host = ts.createCompilerHost(options);
    const { fileExists, readFile, getSourceFile } = host;
    host.fileExists = (file) => file === consumer || fileExists.call(host, file);
    host.readFile = (file) => (file === consumer ? source : readFile.call(host, file));
    host.getSourceFile = (file, language, ...rest) =>
      file === consumer
        ? ts.createSourceFile(file, source, language)
        : getSourceFile.call(host, file, language, ...rest);
    for (const entry of Object.keys(entries)) {
      const mode_ =
        mode.file === 'consumer.mts'
          ? ts.ModuleKind.ESNext
          : mode.file === 'consumer.cts'
            ? ts.ModuleKind.CommonJS
            : undefined;
      const { resolvedModule } = ts.resolveModuleName(
        entry,
        consumer,
        options,
        host,
        undefined,
        undefined,
        mode_,
      );
      assert.ok(resolvedModule, `${entry} resolves (${mode.name})`);
      const relative = path.relative(
        realpathSync(packageRoot),
        realpathSync(resolvedModule.resolvedFileName),
      );
      assert.ok(relative.endsWith('.d.ts'), `${entry} (${mode.name}) resolves to types, not ${relative}`);
      assert.ok(files.includes(relative), `${entry} (${mode.name}) resolves to ${relative}, which is packed`);
      assert.ok(
        relative.startsWith(`dist/${mode.format}/`) || !relative.startsWith('dist/'),
        `${entry} (${mode.name}) resolves to ${mode.format} types, not ${relative}`,
      );
    }
    const program = ts.createProgram([consumer], options, host);
    const diagnostics = ts.getPreEmitDiagnostics(program);
    assert.deepEqual(
      diagnostics.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')),
      [],
      `a consumer compiled as ${mode.name} type-checks against the package`,
    );
  }
}
