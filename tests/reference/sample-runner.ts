// Runs the reference's samples as a reader runs them: each one saved to a file of its own and
// started with bash, node, python3 or php, after the edits a reader makes (this server's URL,
// the project's public key, ids of their own objects). What they have installed is here too:
// the Node SDK as a package in node_modules (bundled from sdk/src with esbuild, the way an
// install gives one package), the Python SDK on PYTHONPATH, the PHP SDK behind a Composer-style
// autoloader (its composer.json PSR-4 map).
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { SAMPLE_LANGUAGES, type SampleLanguage } from '../../src/openapi/samples/samples';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');

const COMMANDS: Record<SampleLanguage, string[]> = {
  curl: ['bash', '-e', '-o', 'pipefail'],
  node: ['node'],
  python: ['python3'],
  php: ['php'],
};

export interface SampleWorkspace {
  dir: string;
  run(
    language: SampleLanguage,
    code: string,
    env: Record<string, string>,
  ): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  remove(): void;
}

export async function createSampleWorkspace(): Promise<SampleWorkspace> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'reference-samples-'));
  const sdkDir = path.join(dir, 'node_modules', '@mpesa-bridge', 'sdk');
  fs.mkdirSync(sdkDir, { recursive: true });
  // CommonJS with esbuild's export annotation, so `import { createClient }` finds its names.
  await build({
    entryPoints: [path.join(ROOT, 'sdk', 'src', 'index.ts')],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    outfile: path.join(sdkDir, 'index.cjs'),
    logLevel: 'error',
  });
  fs.writeFileSync(
    path.join(sdkDir, 'package.json'),
    JSON.stringify({ name: '@mpesa-bridge/sdk', main: './index.cjs' }),
  );
  fs.mkdirSync(path.join(dir, 'vendor'));
  fs.writeFileSync(
    path.join(dir, 'vendor', 'autoload.php'),
    [
      '<?php',
      '// What `composer require mpesa-bridge/mpesa-bridge-php` leaves: its PSR-4 map, MpesaBridge\\ -> src/.',
      'spl_autoload_register(static function (string $class): void {',
      "    if (str_starts_with($class, 'MpesaBridge\\\\')) {",
      `        $file = ${JSON.stringify(path.join(ROOT, 'sdk-php', 'src'))} . '/' . str_replace('\\\\', '/', substr($class, 12)) . '.php';`,
      '        if (is_file($file)) {',
      '            require $file;',
      '        }',
      '    }',
      '});',
      '',
    ].join('\n'),
  );
  let count = 0;
  return {
    dir,
    async run(language, code, env) {
      const file = path.join(dir, `${++count}-${SAMPLE_LANGUAGES.find((l) => l.id === language)!.file}`);
      fs.writeFileSync(file, code);
      const [command, ...args] = COMMANDS[language];
      try {
        const { stdout, stderr } = await run(command!, [...args, file], {
          cwd: dir,
          env: {
            PATH: process.env.PATH ?? '',
            HOME: process.env.HOME ?? dir,
            PYTHONPATH: path.join(ROOT, 'sdk-python', 'src'),
            ...env,
          },
          timeout: 30_000,
          maxBuffer: 10_000_000,
        });
        return { stdout, stderr, exitCode: 0 };
      } catch (error) {
        const failed = error as { stdout?: string; stderr?: string; code?: number };
        return { stdout: failed.stdout ?? '', stderr: failed.stderr ?? '', exitCode: failed.code ?? 1 };
      }
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}
