// zod at the edge: every failure becomes one `validation_failed` error naming the fields and
// where each came from. The messages are ours: a field's schema says what it must be
// (`expecting`), and `fallbackMessage` words what a schema left unsaid, so the library's own
// phrasing ("Invalid input: expected string") never reaches a client.
import { z } from 'zod';
import { AppError } from './errors';

/** Where an input came from: the body, a query or path parameter, or a named header. */
export type InputSource = 'body' | 'query' | 'path' | { header: string };

export interface FieldProblem {
  field: string;
  in: 'body' | 'query' | 'path' | 'header';
  message: string;
}

export function parseOrThrow<S extends z.ZodType>(
  schema: S,
  input: unknown,
  source: InputSource,
): z.infer<S> {
  const result = schema.safeParse(input ?? (typeof source === 'object' ? undefined : {}), {
    error: fallbackMessage,
  });
  if (result.success) return result.data;
  const fields = result.error.issues.flatMap((issue) => problemsOf(issue, source));
  const more = fields.length > 1 ? ` (and ${fields.length - 1} more in details.fields)` : '';
  throw new AppError('validation_failed', `${sentence(fields[0]!)}${more}`, { fields });
}

function problemsOf(issue: z.core.$ZodIssue, source: InputSource): FieldProblem[] {
  const where = typeof source === 'object' ? 'header' : source;
  const root = typeof source === 'object' ? source.header : '(body)';
  if (issue.code === 'unrecognized_keys') {
    const message =
      where === 'body' ? 'is not a field of this request' : 'is not a parameter of this request';
    return issue.keys.map((key) => ({ field: key.slice(0, 100).toWellFormed(), in: where, message }));
  }
  // A path echoes the client's own keys: kept short and well-formed.
  const field = issue.path.map(String).join('.').slice(0, 100).toWellFormed();
  // The whole input is wrong (a body that is not an object): name the input, not a field.
  if (!field && where === 'body') return [{ field: root, in: where, message: 'must be a JSON object' }];
  return [{ field: field || root, in: where, message: issue.message }];
}

function sentence({ field, in: where, message }: FieldProblem): string {
  if (field === '(body)') return `The body ${message}`;
  const prefix = { body: '', query: 'query parameter ', path: 'path parameter ', header: 'header ' }[where];
  return `${prefix}${field} ${message}`;
}

/**
 * One requirement for every way a field can be wrong: "must be <requirement>", or, when the
 * field is missing, "is required (<requirement>)". Pass it to the schema and to each check.
 */
export function expecting(requirement: string) {
  return {
    error: (issue: { input?: unknown }) =>
      issue.input === undefined ? `is required (${requirement})` : `must be ${requirement}`,
  };
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
  record: 'an object',
};

/** Our wording for whatever a schema did not word itself. */
export function fallbackMessage(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is required'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}`;
    case 'too_small':
      return issue.origin === 'string'
        ? `must be at least ${issue.minimum} characters`
        : issue.origin === 'array'
          ? `must list at least ${issue.minimum}`
          : `must be at least ${issue.minimum}`;
    case 'too_big':
      return issue.origin === 'string'
        ? `must be at most ${issue.maximum} characters`
        : issue.origin === 'array'
          ? `must list at most ${issue.maximum}`
          : `must be at most ${issue.maximum}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((value) => JSON.stringify(value)).join(', ')}`;
    case 'invalid_format':
      return issue.format === 'datetime'
        ? 'must be an ISO 8601 date-time with a time zone, e.g. 2025-01-31T23:59:59+03:00'
        : `must be a valid ${issue.format}`;
    default:
      return 'is not valid here';
  }
}

/** NUL (PostgreSQL text cannot hold it) or a lone UTF-16 surrogate (it has no UTF-8 form). */
export function isCleanText(value: string): boolean {
  return value.isWellFormed() && !value.includes('\u0000');
}

export const UNCLEAN_TEXT = 'must not contain NUL or unpaired surrogate characters';

/**
 * Every string a client sends us starts here: well-formed text without NUL, whatever the
 * field. Chain the field's own checks (each with its `expecting` message) after it.
 */
export function text(requirement?: string) {
  return z
    .string(requirement ? expecting(requirement) : undefined)
    .refine(isCleanText, { message: UNCLEAN_TEXT, abort: true });
}

/** How deep a parsed JSON value nests and whether all its strings (keys too) are clean, without recursion. */
export function inspectJson(value: unknown, maxDepth: number): { tooDeep: boolean; cleanText: boolean } {
  const stack: Array<{ value: unknown; depth: number }> = [{ value, depth: 0 }];
  let cleanText = true;
  while (stack.length > 0) {
    const { value: current, depth } = stack.pop()!;
    if (typeof current === 'string') {
      cleanText &&= isCleanText(current);
      continue;
    }
    if (current === null || typeof current !== 'object') continue;
    if (depth >= maxDepth) return { tooDeep: true, cleanText };
    for (const [key, inner] of Object.entries(current)) {
      if (!Array.isArray(current)) cleanText &&= isCleanText(key);
      stack.push({ value: inner, depth: depth + 1 });
    }
  }
  return { tooDeep: false, cleanText };
}

const FILTER_DATE_TIME =
  'an ISO 8601 date-time with a time zone between 1970 and 9999, e.g. 2025-01-31T23:59:59+03:00';
const EARLIEST_FILTER_TIME = Date.UTC(1970, 0, 1);
const LATEST_FILTER_TIME = Date.UTC(9999, 11, 31, 23, 59, 59, 999);

/**
 * A date-time filter (from/to of lists, exports and stats), as a Date. Bounded: PostgreSQL
 * refuses year 0 (an export then failed after its 200 had gone out), and no payment predates 1970.
 */
export function filterDateTime() {
  return z.iso
    .datetime({ offset: true, ...expecting(FILTER_DATE_TIME) })
    .transform((value) => new Date(value))
    .refine((date) => {
      const time = date.getTime();
      return time >= EARLIEST_FILTER_TIME && time <= LATEST_FILTER_TIME;
    }, `must be ${FILTER_DATE_TIME}`);
}
