// The runnable code blocks of the README and of the pages it leads to (docs/*.md, the SDK's
// README): each follows a `<!-- readme-test: NAME -->` line (invisible on the rendered page).
// Tests run them as written; the only edits are the ones a reader makes too, and are named where
// they happen (the port of this test's server, a clone's path). A block is found by its name,
// wherever it lives, so a snippet can move between pages and stay tested.
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export interface CodeBlock {
  name: string;
  language: string;
  code: string;
  /** The page it is on, relative to the repository's root (`README.md`, `docs/api.md`, …). */
  file: string;
}

/** The pages whose marked blocks are run: the README, every docs page, the SDK's README. */
export function documentedPages(): string[] {
  const docs = fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`);
  return ['README.md', ...docs, 'sdk/README.md'];
}

export function readmeBlocks(files = documentedPages()): Map<string, CodeBlock> {
  const blocks = new Map<string, CodeBlock>();
  for (const file of files) {
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
    for (const match of text.matchAll(
      /<!-- readme-test: ([\w-]+) -->\r?\n```(\w*)\r?\n([\s\S]*?)\r?\n```/g,
    )) {
      const [, name, language, code] = match;
      const other = blocks.get(name!);
      if (other) throw new Error(`two blocks are marked readme-test: ${name} (${other.file}, ${file})`);
      blocks.set(name!, { name: name!, language: language!, code: code!, file });
    }
  }
  return blocks;
}

export function block(blocks: Map<string, CodeBlock>, name: string): CodeBlock {
  const found = blocks.get(name);
  if (!found) throw new Error(`no page has a block marked <!-- readme-test: ${name} -->`);
  return found;
}

/** The pages talk to `npm start` (or the demo) on port 3000; the test's server has a port of its own. */
export const onPort = (code: string, port: number) => code.replaceAll('localhost:3000', `localhost:${port}`);
