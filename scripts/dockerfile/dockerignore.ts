// .dockerignore as Docker reads it: patterns are anchored at the context root (`node_modules`
// is only the top-level one; `**/node_modules` is every one), `*` and `?` stay within one path
// segment, `**` spans any number, `!` re-includes, and the last matching line wins. A pattern
// that matches a directory excludes everything under it.

export interface Rule {
  exclude: boolean;
  regex: RegExp;
}

/** A Docker path pattern (`*`, `?`, `[…]`, `**`) as a regular expression over a whole POSIX path. */
export function globRegex(pattern: string): RegExp {
  let source = '';
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i]!;
    if (char === '*' && pattern[i + 1] === '*') {
      // `**/` matches zero or more whole segments; a trailing `**` matches everything below.
      if (pattern[i + 2] === '/') {
        source += '(?:.*/)?';
        i += 2;
      } else {
        source += '.*';
        i += 1;
      }
    } else if (char === '*') source += '[^/]*';
    else if (char === '?') source += '[^/]';
    else if (char === '[') {
      const end = pattern.indexOf(']', i);
      if (end < 0) source += '\\[';
      else {
        source += `[${pattern
          .slice(i + 1, end)
          .replace(/^!/, '^')
          .replace(/\\/g, '\\\\')}]`;
        i = end;
      }
    } else source += char.replace(/[.+^${}()|\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/** Docker cleans each pattern like a path: no leading `/` or `./`, no trailing `/`. */
function clean(pattern: string): string {
  return pattern
    .replace(/^\.\/+/, '')
    .replace(/^\/+/, '')
    .replace(/\/+$/, '')
    .replace(/\/{2,}/g, '/');
}

export function parseDockerignore(source: string): Rule[] {
  return source
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exclude = !line.startsWith('!');
      return { exclude, regex: globRegex(clean(exclude ? line : line.slice(1).trim())) };
    })
    .filter((rule) => rule.regex.source !== '^$');
}

/** Whether `relativePath` (POSIX, from the context root) is left out of the build context. */
export function isIgnored(rules: readonly Rule[], relativePath: string): boolean {
  const segments = relativePath.split('/');
  // A path is excluded when it or one of its parent directories is, unless a later `!` line
  // matches the path itself (or a parent) again.
  let ignored = false;
  for (const rule of rules) {
    const matches = segments.some((_, index) => rule.regex.test(segments.slice(0, index + 1).join('/')));
    if (matches) ignored = rule.exclude;
  }
  return ignored;
}

/** Whether some `!` rule may re-include a path under an excluded directory (then it must be walked). */
export function hasExceptions(rules: readonly Rule[]): boolean {
  return rules.some((rule) => !rule.exclude);
}
