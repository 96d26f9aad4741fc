// The README is a front page and the guides live in docs/*.md; the SDK, CLI, demo and Postman
// READMEs link into them. Every relative link there must reach a file of the repository and, with
// `#anchor`, a heading of that file (as GitHub makes anchors from headings: github-slugger).
import fs from 'node:fs';
import path from 'node:path';
import GithubSlugger from 'github-slugger';

const ROOT = path.join(__dirname, '..', '..');
// The README, the guides, and the packages' own READMEs that link into them.
const PAGES = [
  'README.md',
  ...fs
    .readdirSync(path.join(ROOT, 'docs'))
    .filter((name) => name.endsWith('.md'))
    .map((name) => `docs/${name}`),
  'sdk/README.md',
  'sdk-python/README.md',
  'sdk-php/README.md',
  'cli/README.md',
  'demo/README.md',
  'postman/README.md',
];

/** The text outside fenced code blocks and inline code spans: links there are examples, not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, 'code');
}

function relativeLinks(markdown: string): string[] {
  const targets = [...prose(markdown).matchAll(/\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
  return targets.filter((target) => !/^[a-z][a-z+.-]*:/i.test(target));
}

function anchors(markdown: string): Set<string> {
  const slugger = new GithubSlugger();
  const headings = markdown.replace(/^```[\s\S]*?^```/gm, '').matchAll(/^#{1,6} +(.+?) *#* *$/gm);
  return new Set([...headings].map((match) => slugger.slug(match[1]!)));
}

describe('when a reader follows a relative link in the README, a docs page or a package README', () => {
  it('then the pages are there to check (the README and at least the guides it links)', () => {
    expect(PAGES).toEqual(expect.arrayContaining(['README.md', 'docs/api.md', 'docs/daraja.md']));
  });

  it.each(PAGES)('then every link of %s reaches a file and, with #, a heading in it', (page) => {
    const text = fs.readFileSync(path.join(ROOT, page), 'utf8');
    const broken: string[] = [];
    for (const link of relativeLinks(text)) {
      const [file, anchor] = link.split('#') as [string, string | undefined];
      const target =
        file === '' ? path.join(ROOT, page) : path.resolve(path.dirname(path.join(ROOT, page)), file);
      if (!fs.existsSync(target)) {
        broken.push(`${link}: no file ${path.relative(ROOT, target)}`);
        continue;
      }
      if (anchor === undefined || fs.statSync(target).isDirectory() || !target.endsWith('.md')) continue;
      if (!anchors(fs.readFileSync(target, 'utf8')).has(decodeURIComponent(anchor)))
        broken.push(`${link}: no heading #${anchor} in ${path.relative(ROOT, target)}`);
    }
    expect(broken).toEqual([]);
  });
});
