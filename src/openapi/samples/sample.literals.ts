// JSON values written as each sample language's own literals: a shell word, a JavaScript object,
// a Python dict, a PHP array. Short values stay on one line; longer ones get one entry a line.

const INLINE_MAX = 64;
const INDENT = '  ';

/** A single-quoted shell word: nothing inside is expanded. */
export function shellWord(text: string): string {
  return `'${text.replaceAll("'", `'\\''`)}'`;
}

export function jsString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'").replaceAll('\n', '\\n')}'`;
}

export function phpString(text: string): string {
  return `'${text.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

/** A JSON string literal is a Python one too (same escapes, double quotes). */
export const pythonString = (text: string) => JSON.stringify(text);

interface Dialect {
  string(text: string): string;
  number(value: number): string;
  boolean(value: boolean): string;
  null: string;
  key(name: string): string;
  /** Between a key and its value. */
  pair: string;
  open: { list: string; map: string };
  close: { list: string; map: string };
  emptyMap: string;
  /** Inner space of a one-line map: `{ a: 1 }` in JavaScript, `['a' => 1]` in PHP. */
  mapPad: string;
  indent: string;
}

const js: Dialect = {
  string: jsString,
  number: String,
  boolean: String,
  null: 'null',
  key: (name) => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : jsString(name)),
  pair: ': ',
  open: { list: '[', map: '{' },
  close: { list: ']', map: '}' },
  emptyMap: '{}',
  mapPad: ' ',
  indent: INDENT,
};

const python: Dialect = {
  string: pythonString,
  number: String,
  boolean: (value) => (value ? 'True' : 'False'),
  null: 'None',
  key: pythonString,
  pair: ': ',
  open: { list: '[', map: '{' },
  close: { list: ']', map: '}' },
  emptyMap: '{}',
  mapPad: '',
  indent: '    ',
};

const php: Dialect = {
  string: phpString,
  number: String,
  boolean: String,
  null: 'null',
  key: phpString,
  pair: ' => ',
  open: { list: '[', map: '[' },
  close: { list: ']', map: ']' },
  // An empty PHP array encodes as a JSON list; an empty object must be an object.
  emptyMap: 'new \\stdClass()',
  mapPad: '',
  indent: '    ',
};

function literal(dialect: Dialect, value: unknown, depth: number): string {
  if (value === null || value === undefined) return dialect.null;
  if (typeof value === 'string') return dialect.string(value);
  if (typeof value === 'number') return dialect.number(value);
  if (typeof value === 'boolean') return dialect.boolean(value);
  const list = Array.isArray(value);
  const entries = list
    ? (value as unknown[]).map((item) => literal(dialect, item, depth + 1))
    : Object.entries(value as Record<string, unknown>).map(
        ([key, item]) => `${dialect.key(key)}${dialect.pair}${literal(dialect, item, depth + 1)}`,
      );
  const [open, close] = list
    ? [dialect.open.list, dialect.close.list]
    : [dialect.open.map, dialect.close.map];
  if (!entries.length) return list ? `${open}${close}` : dialect.emptyMap;
  const pad = list ? '' : dialect.mapPad;
  const inline = `${open}${pad}${entries.join(', ')}${pad}${close}`;
  if (inline.length <= INLINE_MAX && !inline.includes('\n')) return inline;
  const inner = dialect.indent.repeat(depth + 1);
  return `${open}\n${entries.map((entry) => `${inner}${entry},`).join('\n')}\n${dialect.indent.repeat(depth)}${close}`;
}

/** `depth` is the indentation level the literal starts at (its closing bracket lines up there). */
export const jsLiteral = (value: unknown, depth = 0) => literal(js, value, depth);
export const pythonLiteral = (value: unknown, depth = 0) => literal(python, value, depth);
export const phpLiteral = (value: unknown, depth = 0) => literal(php, value, depth);

/**
 * A call's arguments (or a map's entries, already written): on one line when short, else one a
 * line, indented by `indent` under the line the call starts on.
 */
export function argumentList(args: string[], indent: string, max = 72): string {
  // A lone argument keeps its own layout: `create({ … })`, not `create(\n  { … },\n)`.
  if (args.length === 1) return args[0]!;
  const inline = args.join(', ');
  if (inline.length <= max && !inline.includes('\n')) return inline;
  return `\n${args.map((arg) => `${indent}${arg.replaceAll('\n', `\n${indent}`)},`).join('\n')}\n`;
}

/** `accountReference` -> `account_reference`: the Python SDK's keyword arguments. */
export const snakeCase = (name: string) => name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
