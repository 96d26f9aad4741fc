// Reads a Dockerfile into stages of instructions, keeping their order. Only what the stage
// runner can follow faithfully is accepted; anything else (ADD, SHELL, heredocs, …) is refused
// by name, so a Dockerfile change the runner cannot mirror fails CI instead of being skipped.

export type Command = { form: 'exec'; argv: string[] } | { form: 'shell'; script: string };

export type Instruction =
  | { kind: 'WORKDIR'; line: number; path: string }
  | { kind: 'COPY'; line: number; from?: string; sources: string[]; dest: string; ignoredFlags: string[] }
  | { kind: 'RUN'; line: number; command: Command }
  | { kind: 'ENV'; line: number; vars: [string, string][] }
  | { kind: 'ARG'; line: number; name: string; value?: string }
  | { kind: 'USER'; line: number; user: string }
  | { kind: 'VOLUME'; line: number; paths: string[] }
  | { kind: 'EXPOSE'; line: number; ports: string[] }
  | { kind: 'HEALTHCHECK'; line: number; command?: Command; options: Record<string, string> }
  | { kind: 'CMD'; line: number; command: Command }
  | { kind: 'ENTRYPOINT'; line: number; command: Command }
  | { kind: 'STOPSIGNAL'; line: number; signal: string }
  | { kind: 'LABEL'; line: number };

export interface Stage {
  index: number;
  /** The `AS` name, or the index as a string. */
  name: string;
  /** The base: an image (`node:24-bookworm-slim`) or an earlier stage's name. */
  base: string;
  line: number;
  instructions: Instruction[];
}

export class DockerfileError extends Error {}

/** Joins continued lines and drops comments, keeping each instruction's first line number. */
export function logicalLines(source: string): { line: number; text: string }[] {
  const lines = source.split(/\r?\n/);
  const out: { line: number; text: string }[] = [];
  let current: { line: number; text: string } | undefined;
  lines.forEach((raw, index) => {
    // Comment lines are dropped even inside a continuation (Docker does the same).
    if (/^\s*#/.test(raw)) return;
    if (!current && raw.trim() === '') return;
    const continued = /\\\s*$/.test(raw);
    const text = continued ? raw.replace(/\\\s*$/, '') : raw;
    if (current) current.text += text;
    else current = { line: index + 1, text };
    if (!continued) {
      if (current.text.trim() !== '') out.push({ line: current.line, text: current.text.trim() });
      current = undefined;
    }
  });
  if (current) throw new DockerfileError(`line ${current.line}: the file ends inside a continued line`);
  return out;
}

/** Splits shell-like words: quotes group, backslash escapes, nothing is expanded. */
export function words(text: string): string[] {
  const out: string[] = [];
  let word = '';
  let inWord = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (char === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (char === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw new DockerfileError(`unclosed ' in: ${text}`);
      word += text.slice(i + 1, end);
      inWord = true;
      i = end;
    } else if (char === '"') {
      // Inside double quotes a backslash escapes `"`, `\` and `$` only.
      let end = i + 1;
      for (; end < text.length && text[end] !== '"'; end++) {
        if (text[end] === '\\' && /["\\$]/.test(text[end + 1] ?? '')) end++;
      }
      if (end >= text.length) throw new DockerfileError(`unclosed " in: ${text}`);
      word += text.slice(i + 1, end).replace(/\\(["\\$])/g, '$1');
      inWord = true;
      i = end;
    } else if (/\s/.test(char)) {
      if (inWord) out.push(word);
      word = '';
      inWord = false;
    } else {
      word += char;
      inWord = true;
    }
  }
  if (inWord) out.push(word);
  return out;
}

function command(args: string, line: number): Command {
  if (args.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(args);
    } catch {
      throw new DockerfileError(`line ${line}: exec form is not a JSON array of strings: ${args}`);
    }
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((item) => typeof item === 'string')) {
      throw new DockerfileError(`line ${line}: exec form must be a non-empty JSON array of strings`);
    }
    return { form: 'exec', argv: parsed as string[] };
  }
  return { form: 'shell', script: args };
}

/** Leading `--name=value` flags, and what follows them. */
function flags(args: string): { flags: Record<string, string>; rest: string } {
  const found: Record<string, string> = {};
  let rest = args;
  for (
    let match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest);
    match;
    match = /^--([\w-]+)(?:=(\S*))?\s*/.exec(rest)
  ) {
    found[match[1]!] = match[2] ?? 'true';
    rest = rest.slice(match[0].length);
  }
  return { flags: found, rest };
}

function envPairs(args: string, line: number): [string, string][] {
  const parts = words(args);
  // Legacy form `ENV NAME value with spaces`.
  if (parts.length > 0 && !parts[0]!.includes('=')) {
    const [name, ...value] = args.split(/\s+/);
    return [[name!, words(value.join(' ')).join(' ')]];
  }
  return parts.map((part) => {
    const at = part.indexOf('=');
    if (at <= 0) throw new DockerfileError(`line ${line}: ENV expects NAME=value, got ${part}`);
    return [part.slice(0, at), part.slice(at + 1)];
  });
}

function instruction(keyword: string, args: string, line: number): Instruction {
  switch (keyword) {
    case 'WORKDIR':
      return { kind: 'WORKDIR', line, path: words(args).join(' ') };
    case 'COPY': {
      const { flags: given, rest } = flags(args);
      const parts = rest.startsWith('[') ? (command(rest, line) as { argv: string[] }).argv : words(rest);
      if (parts.length < 2) throw new DockerfileError(`line ${line}: COPY needs a source and a destination`);
      const unknown = Object.keys(given).filter((name) => !['from', 'chown', 'chmod', 'link'].includes(name));
      if (unknown.length)
        throw new DockerfileError(`line ${line}: COPY --${unknown[0]} is not supported by the stage runner`);
      return {
        kind: 'COPY',
        line,
        ...(given.from ? { from: given.from } : {}),
        sources: parts.slice(0, -1),
        dest: parts.at(-1)!,
        ignoredFlags: Object.keys(given).filter((name) => name !== 'from'),
      };
    }
    case 'RUN': {
      const { flags: given, rest } = flags(args);
      if (Object.keys(given).length)
        throw new DockerfileError(
          `line ${line}: RUN --${Object.keys(given)[0]} is not supported by the stage runner`,
        );
      if (/<<-?\s*['"]?\w+/.test(rest) && !rest.startsWith('['))
        throw new DockerfileError(`line ${line}: heredocs are not supported by the stage runner`);
      return { kind: 'RUN', line, command: command(rest, line) };
    }
    case 'ENV':
      return { kind: 'ENV', line, vars: envPairs(args, line) };
    case 'ARG': {
      const [pair] = words(args);
      const at = pair!.indexOf('=');
      return at < 0
        ? { kind: 'ARG', line, name: pair! }
        : { kind: 'ARG', line, name: pair!.slice(0, at), value: pair!.slice(at + 1) };
    }
    case 'USER':
      return { kind: 'USER', line, user: args.trim() };
    case 'VOLUME':
      return {
        kind: 'VOLUME',
        line,
        paths: args.startsWith('[') ? (command(args, line) as { argv: string[] }).argv : words(args),
      };
    case 'EXPOSE':
      return { kind: 'EXPOSE', line, ports: words(args) };
    case 'HEALTHCHECK': {
      if (args.trim().toUpperCase() === 'NONE') return { kind: 'HEALTHCHECK', line, options: {} };
      const { flags: options, rest } = flags(args);
      const match = /^CMD\s+([\s\S]+)$/i.exec(rest);
      if (!match)
        throw new DockerfileError(`line ${line}: HEALTHCHECK expects [options] CMD command, or NONE`);
      return { kind: 'HEALTHCHECK', line, command: command(match[1]!.trim(), line), options };
    }
    case 'CMD':
    case 'ENTRYPOINT':
      return { kind: keyword, line, command: command(args, line) };
    case 'STOPSIGNAL':
      return { kind: 'STOPSIGNAL', line, signal: args.trim() };
    case 'LABEL':
      return { kind: 'LABEL', line };
    default:
      throw new DockerfileError(`line ${line}: ${keyword} is not supported by the stage runner`);
  }
}

export function parseDockerfile(source: string): Stage[] {
  const stages: Stage[] = [];
  for (const { line, text } of logicalLines(source)) {
    const match = /^(\w+)\s*([\s\S]*)$/.exec(text);
    if (!match) throw new DockerfileError(`line ${line}: cannot read: ${text}`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!.trim();
    if (keyword === 'FROM') {
      const { rest } = flags(args); // --platform does not change what runs here
      const [base, as, name, ...extra] = words(rest);
      if (!base || (as && (as.toUpperCase() !== 'AS' || !name)) || extra.length)
        throw new DockerfileError(`line ${line}: FROM image [AS name]`);
      stages.push({
        index: stages.length,
        name: name ?? String(stages.length),
        base,
        line,
        instructions: [],
      });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) {
      if (keyword === 'ARG') continue; // an ARG before FROM only parameterises FROM lines
      throw new DockerfileError(`line ${line}: ${keyword} before the first FROM`);
    }
    stage.instructions.push(instruction(keyword, args, line));
  }
  if (stages.length === 0) throw new DockerfileError('no FROM: not a Dockerfile');
  return stages;
}
