// The README's runnable code blocks: each follows a `<!-- readme-test: NAME -->` line (invisible
// on the rendered page). Tests run them as written; the only edits are the ones a reader makes
// too, and are named where they happen (the port of this test's server, a clone's path).
import fs from 'node:fs';
import path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

export interface CodeBlock {
  name: string;
  language: string;
  code: string;
}

export function readmeBlocks(file = path.join(ROOT, 'README.md')): Map<string, CodeBlock> {
  const text = fs.readFileSync(file, 'utf8');
  const blocks = new Map<string, CodeBlock>();
  for (const match of text.matchAll(/<!-- readme-test: ([\w-]+) -->\r?\n```(\w*)\r?\n([\s\S]*?)\r?\n```/g)) {
    const [, name, language, code] = match;
    if (blocks.has(name!)) throw new Error(`README: two blocks are marked readme-test: ${name}`);
    blocks.set(name!, { name: name!, language: language!, code: code! });
  }
  return blocks;
}

export function block(blocks: Map<string, CodeBlock>, name: string): CodeBlock {
  const found = blocks.get(name);
  if (!found) throw new Error(`README has no block marked <!-- readme-test: ${name} -->`);
  return found;
}

/** The README talks to `npm start` on port 3000; the test's server has a port of its own. */
export const onPort = (code: string, port: number) => code.replaceAll('localhost:3000', `localhost:${port}`);
