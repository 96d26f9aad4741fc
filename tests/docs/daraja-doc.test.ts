// docs/daraja.md is the repository's own source for the Daraja facts its code relies on. Every
// section a code comment cites exists there under the same number, every cited source links
// to a public address, and the README points to it.
import fs from 'node:fs';
import path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const doc = fs.readFileSync(path.join(ROOT, 'docs', 'daraja.md'), 'utf8');

/** Every `daraja.md §N` or `§N.M` cited in comments under these folders, with where. */
function citations(): { where: string; section: string }[] {
  const found: { where: string; section: string }[] = [];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'generated' && entry.name !== 'node_modules' && entry.name !== 'dist')
          walk(relative);
      } else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(path.join(ROOT, relative), 'utf8');
        // "daraja.md §2, §10.7" names two sections; so does "(daraja.md §4, §10.14)".
        for (const match of text.matchAll(/daraja\.md((?:,?\s*§\d+(?:\.\d+)?)+)/g)) {
          for (const [section] of match[1]!.matchAll(/\d+(?:\.\d+)?/g))
            found.push({ where: relative, section });
        }
      }
    }
  };
  ['src', 'tests', 'demo', 'sdk/src', 'bench']
    .filter((dir) => fs.existsSync(path.join(ROOT, dir)))
    .forEach(walk);
  return found;
}

const sectionNumbers = [...doc.matchAll(/^## (\d+)\. /gm)].map((match) => Number(match[1]));
const quirks = doc.slice(doc.indexOf('\n## 10. '), doc.indexOf('\n## 11. '));
const quirkNumbers = [...quirks.matchAll(/^(\d+)\. /gm)].map((match) => Number(match[1]));

describe('when code cites docs/daraja.md', () => {
  it('then sections 1 to 11 are there, in order, and section 10 lists its quirks 1 to 14', () => {
    expect(sectionNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(quirkNumbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14]);
  });

  it('then every section and quirk a comment cites exists', () => {
    const cited = citations();
    expect(cited.length).toBeGreaterThan(30);
    const missing = cited.filter(({ section }) => {
      const [major, minor] = section.split('.').map(Number);
      return (
        !sectionNumbers.includes(major!) ||
        (minor !== undefined && (major !== 10 || !quirkNumbers.includes(minor)))
      );
    });
    expect(missing).toEqual([]);
  });
});

describe('when a reader follows a source', () => {
  it('then every tag in the text is a link to a public https address', () => {
    const definitions = new Map(
      [...doc.matchAll(/^\[([^\]]+)\]: (\S+)$/gm)].map((match) => [match[1]!, match[2]!]),
    );
    const body = doc.replace(/^\[[^\]]+\]: \S+$/gm, '');
    const used = new Set(
      [
        ...body.matchAll(
          /\[((?:DOC|LNM|ISS|NEWS|BLOG|UMOJA|FRAPPE|LIBPHONE|MPESAKIT|LIB-|PULL-)[^\]]*|NKAP|POSTMAN|GODARAJA|JWAMBUGU|EDLUGZ|MPESA4J|STEVENKAMANU|RONNY|PESAFY|PHP-MPESA)\](?!\()/g,
        ),
      ].map((match) => match[1]!),
    );
    expect(used.size).toBeGreaterThan(40);
    expect([...used].filter((tag) => !definitions.has(tag))).toEqual([]);
    expect([...definitions].filter(([, url]) => !/^https:\/\/[\w.-]+\//.test(url))).toEqual([]);
    expect([...definitions.keys()].filter((tag) => !used.has(tag))).toEqual([]);
  });

  it('then the README links it', () => {
    expect(fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8')).toContain('](docs/daraja.md)');
  });
});
