// JSON Schemas (as z.toJSONSchema produced them) on the reference page: a field table and an
// example value. Named components are links, not expanded, so recursion cannot run away.
import { escapeHtml, inline } from './docs.markdown';
import type { JsonSchema } from '../core/openapi.types';

type Components = Record<string, JsonSchema>;

const REF_PREFIX = '#/components/schemas/';
const MAX_INLINE_DEPTH = 3;

const refName = (schema: JsonSchema) =>
  typeof schema.$ref === 'string' ? schema.$ref.slice(REF_PREFIX.length) : undefined;
const asSchemas = (value: unknown) => (Array.isArray(value) ? (value as JsonSchema[]) : []);
const propertiesOf = (schema: JsonSchema) => (schema.properties ?? {}) as Record<string, JsonSchema>;

export const schemaAnchor = (name: string) => `schema-${name}`;

/** A short type label: `string | null`, `array of Transaction`, `"KES"`. */
export function typeLabel(schema: JsonSchema): string {
  const name = refName(schema);
  if (name) return `<a href="#${schemaAnchor(name)}">${escapeHtml(name)}</a>`;
  if ('const' in schema) return `<code>${escapeHtml(JSON.stringify(schema.const))}</code>`;
  const union = asSchemas(schema.anyOf ?? schema.oneOf);
  if (union.length) return union.map(typeLabel).join(' | ');
  const types = Array.isArray(schema.type)
    ? (schema.type as string[])
    : schema.type
      ? [String(schema.type)]
      : [];
  if (types.includes('array') && schema.items) return `array of ${typeLabel(schema.items as JsonSchema)}`;
  return types.length ? escapeHtml(types.join(' | ')) : 'any';
}

function constraints(schema: JsonSchema): string[] {
  const notes: string[] = [];
  if (Array.isArray(schema.enum))
    notes.push(`one of ${schema.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`);
  if (schema.format) notes.push(`format ${escapeHtml(String(schema.format))}`);
  for (const [key, label] of [
    ['minimum', 'min'],
    ['maximum', 'max'],
    ['minLength', 'min length'],
    ['maxLength', 'max length'],
  ] as const) {
    if (typeof schema[key] === 'number') notes.push(`${label} ${schema[key]}`);
  }
  if (schema.pattern) notes.push(`pattern <code>${escapeHtml(String(schema.pattern))}</code>`);
  if ('default' in schema) notes.push(`default <code>${escapeHtml(JSON.stringify(schema.default))}</code>`);
  if (Array.isArray(schema.examples) && schema.examples.length)
    notes.push(`e.g. <code>${escapeHtml(JSON.stringify(schema.examples[0]))}</code>`);
  return notes;
}

/** What a schema's description and constraints say, as HTML. */
export function schemaNotes(schema: JsonSchema): string {
  const text = typeof schema.description === 'string' ? inline(schema.description) : '';
  const notes = constraints(schema);
  return [text, notes.length ? `<span class="notes">${notes.join(' · ')}</span>` : '']
    .filter(Boolean)
    .join('<br>');
}

/** The object behind a nullable or a union branch, when there is exactly one. */
function objectIn(schema: JsonSchema): JsonSchema | undefined {
  if (schema.properties) return schema;
  const branches = asSchemas(schema.anyOf).filter((branch) => branch.properties);
  return branches.length === 1 ? branches[0] : undefined;
}

/** A named schema's fields under a link to it; used where a response or payload is a `$ref`. */
export function namedSchemaTable(schema: JsonSchema, components: Components): string {
  const name = refName(schema);
  const target = name ? components[name] : undefined;
  const link =
    name && target
      ? `<p class="notes">Schema <a href="#${schemaAnchor(name)}">${escapeHtml(name)}</a></p>`
      : '';
  return `<div>${link}${schemaTable(target ?? schema)}</div>`;
}

/** A table of an object's fields, or a one-line summary otherwise. Fields of nested objects
 * are rows of the same table under dotted names (`data.transaction`): a table inside a cell
 * left too little width for either on a phone. */
export function schemaTable(schema: JsonSchema, depth = 0): string {
  const branches = asSchemas(schema.anyOf ?? schema.oneOf).filter((branch) => branch.properties);
  if (branches.length > 1)
    return `<div><p class="notes">One of:</p>${branches.map((branch) => schemaTable(branch, depth + 1)).join('')}</div>`;
  const object = objectIn(schema);
  if (!object)
    return `<p class="type">${typeLabel(schema)}${schemaNotes(schema) ? ` — ${schemaNotes(schema)}` : ''}</p>`;
  const extra = object.additionalProperties === false ? '' : '<p class="notes">Other fields may appear.</p>';
  return (
    '<div><table class="fields"><colgroup><col class="name"><col class="type"><col class="notes"></colgroup>' +
    `<thead><tr><th>Field</th><th>Type</th><th>Description</th></tr></thead><tbody>${fieldRows(object, '', 0).join('')}</tbody></table>${depth ? '' : extra}</div>`
  );
}

function fieldRows(object: JsonSchema, parent: string, depth: number): string[] {
  const required = new Set((object.required ?? []) as string[]);
  return Object.entries(propertiesOf(object)).flatMap(([name, property]) => {
    const label = `${parent ? `<span class="parent">${escapeHtml(parent)}</span>` : ''}${escapeHtml(name)}`;
    const row =
      `<tr><td><code>${label}</code>${required.has(name) ? '' : ' <span class="optional">optional</span>'}</td>` +
      `<td>${typeLabel(property)}</td><td>${schemaNotes(property)}</td></tr>`;
    const nested = !refName(property) && depth < MAX_INLINE_DEPTH ? objectIn(property) : undefined;
    return [row, ...(nested ? fieldRows(nested, `${parent}${name}.`, depth + 1) : [])];
  });
}

/** An example value built from the schema's examples, defaults and types. */
export function exampleOf(schema: JsonSchema, components: Components, depth = 0): unknown {
  if (depth > 8) return null;
  const name = refName(schema);
  if (name) return components[name] ? exampleOf(components[name], components, depth + 1) : null;
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0];
  if ('const' in schema) return schema.const;
  if ('default' in schema) return schema.default;
  if (Array.isArray(schema.enum)) return schema.enum[0];
  const union = asSchemas(schema.anyOf ?? schema.oneOf);
  if (union.length)
    return exampleOf(union.find((branch) => branch.type !== 'null') ?? union[0]!, components, depth + 1);
  const type = Array.isArray(schema.type) ? (schema.type as string[]).find((t) => t !== 'null') : schema.type;
  switch (type) {
    case 'object':
      return Object.fromEntries(
        Object.entries(propertiesOf(schema)).map(([key, value]) => [
          key,
          exampleOf(value, components, depth + 1),
        ]),
      );
    case 'array':
      return schema.items ? [exampleOf(schema.items as JsonSchema, components, depth + 1)] : [];
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 0;
    case 'boolean':
      return false;
    case 'string':
      return schema.format === 'date-time' ? '2025-01-01T09:30:00.000Z' : 'string';
    default:
      return null;
  }
}

/**
 * The smallest request an object schema accepts, from its examples: only its required fields.
 * What the reference's samples send when the operation declares no body of its own.
 */
export function requiredExampleOf(schema: JsonSchema, components: Components): unknown {
  const name = refName(schema);
  const target = name ? components[name] : schema;
  const object = target && objectIn(target);
  if (!object) return exampleOf(schema, components);
  const required = (object.required ?? []) as string[];
  return Object.fromEntries(
    Object.entries(propertiesOf(object))
      .filter(([key]) => required.includes(key))
      .map(([key, value]) => [key, exampleOf(value, components)]),
  );
}

export function exampleBlock(schema: JsonSchema, components: Components): string {
  return `<pre class="example"><code>${escapeHtml(JSON.stringify(exampleOf(schema, components), null, 2))}</code></pre>`;
}
