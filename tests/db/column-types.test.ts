// SQLite has no date or boolean type, so rows are converted back by column name
// (src/db/sql-values.ts). Those lists must match the Prisma schema exactly: a DateTime column
// missing from them would come back as text, and a name shared by a DateTime and a String
// column would turn the string into a date.
import fs from 'node:fs';
import path from 'node:path';
import { BOOLEAN_COLUMNS, DATE_COLUMNS } from '../../src/db/sql-values';

const schema = fs.readFileSync(path.join(__dirname, '..', '..', 'prisma', 'models.prisma'), 'utf8');

/** Every scalar field of every model: [model, field, type]. */
function fields(): Array<[string, string, string]> {
  const found: Array<[string, string, string]> = [];
  for (const match of schema.matchAll(/^model (\w+) \{([\s\S]*?)^\}/gm)) {
    for (const line of match[2]!.split('\n')) {
      const field = /^\s+(\w+)\s+(\w+)(\??)(\[\])?/.exec(line);
      if (field && !line.trim().startsWith('//') && !line.trim().startsWith('@@'))
        found.push([match[1]!, field[1]!, field[2]!]);
    }
  }
  return found;
}

describe('the SQLite column conversions', () => {
  it('then every DateTime column of the schema is read back as a date, and nothing else is', () => {
    const all = fields();
    expect(all.length).toBeGreaterThan(50);
    const dateColumns = new Set(all.filter(([, , type]) => type === 'DateTime').map(([, name]) => name));
    expect([...DATE_COLUMNS].sort()).toEqual([...dateColumns].sort());
    const clashes = all.filter(([, name, type]) => DATE_COLUMNS.has(name) && type !== 'DateTime');
    expect(clashes).toEqual([]);
  });

  it('then every Boolean column of the schema is read back as a boolean, and nothing else is', () => {
    const all = fields();
    const booleanColumns = new Set(all.filter(([, , type]) => type === 'Boolean').map(([, name]) => name));
    expect([...BOOLEAN_COLUMNS].sort()).toEqual([...booleanColumns].sort());
    expect(all.filter(([, name, type]) => BOOLEAN_COLUMNS.has(name) && type !== 'Boolean')).toEqual([]);
  });
});
