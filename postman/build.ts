// Writes the Postman collection and environment from postman/collection/*.ts.
//   npx tsx postman/build.ts           regenerate the two JSON files
//   npx tsx postman/build.ts --check   fail if they differ from what the sources generate (CI)
import fs from 'node:fs';
import path from 'node:path';
import { buildCollection, buildEnvironment } from './collection/collection';

export const COLLECTION_FILE = path.join(__dirname, 'mpesa-bridge.postman_collection.json');
export const ENVIRONMENT_FILE = path.join(__dirname, 'local.postman_environment.json');

const generated = () => [
  { file: COLLECTION_FILE, text: `${JSON.stringify(buildCollection(), null, 2)}\n` },
  { file: ENVIRONMENT_FILE, text: `${JSON.stringify(buildEnvironment(), null, 2)}\n` },
];

/** The generated files that differ from their sources (relative paths). */
export function staleFiles(): string[] {
  return generated()
    .filter(({ file, text }) => !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== text)
    .map(({ file }) => path.relative(process.cwd(), file));
}

function main(): void {
  if (process.argv.includes('--check')) {
    const stale = staleFiles();
    if (stale.length > 0) {
      process.stderr.write(`Out of date: ${stale.join(', ')}. Run: npx tsx postman/build.ts\n`);
      process.exit(1);
    }
    return;
  }
  for (const { file, text } of generated()) fs.writeFileSync(file, text);
}

if (require.main === module) main();
