// What the reference page's search box looks through: every operation (summary, method, path,
// id), every field of every schema and of every operation's parameters, every error code with
// its explanation, webhooks and Socket.io events. Built from the document on the server and
// handed to the page's script as data, so the search works offline.
import { ERROR_STATUS, type ErrorCode } from '../errors';
import { ERROR_EXPLANATIONS } from './openapi.errors';
import { schemaAnchor } from './docs.schema';
import type { HttpMethod, JsonSchema, OpenApiDocument } from '../core/openapi.types';

export interface SearchEntry {
  kind: 'operation' | 'field' | 'error' | 'webhook' | 'event';
  title: string;
  detail: string;
  href: string;
}

export const errorAnchor = (code: string) => `error-${code}`;

const text = (value: unknown) => (typeof value === 'string' ? value.replace(/[`*]/g, '') : '');

export function searchIndex(doc: OpenApiDocument, eventAnchor: (name: string, namespace: string) => string) {
  const entries: SearchEntry[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(item) as [
      HttpMethod,
      NonNullable<(typeof item)[HttpMethod]>,
    ][]) {
      const href = `#op-${op.operationId}`;
      entries.push({
        kind: 'operation',
        title: op.summary,
        detail: `${method.toUpperCase()} ${path} · ${op.operationId}`,
        href,
      });
      for (const parameter of op.parameters ?? [])
        entries.push({
          kind: 'field',
          title: `${op.operationId} ${parameter.in} ${parameter.name}`,
          detail: text(parameter.description),
          href,
        });
    }
  }
  for (const [name, schema] of Object.entries(doc.components.schemas))
    for (const [field, property] of fieldsOf(schema))
      entries.push({
        kind: 'field',
        title: `${name}.${field}`,
        detail: text(property.description),
        href: `#${schemaAnchor(name)}`,
      });
  for (const code of Object.keys(ERROR_STATUS) as ErrorCode[])
    entries.push({
      kind: 'error',
      title: code,
      detail: `HTTP ${ERROR_STATUS[code]} · ${text(ERROR_EXPLANATIONS[code])}`,
      href: `#${errorAnchor(code)}`,
    });
  for (const [type, item] of Object.entries(doc.webhooks))
    entries.push({ kind: 'webhook', title: type, detail: item.post.summary, href: `#webhook-${type}` });
  for (const event of doc['x-socket-io'].events)
    entries.push({
      kind: 'event',
      title: event.name,
      detail: `${event.namespace} · ${event.summary}`,
      href: `#${eventAnchor(event.name, event.namespace)}`,
    });
  // A field shared by a union's branches, or a webhook's and a component's, is listed once.
  const seen = new Set<string>();
  return entries.filter((entry) => {
    const key = `${entry.kind} ${entry.title} ${entry.href}`;
    return !seen.has(key) && Boolean(seen.add(key));
  });
}

/** The fields of an object schema (or of each branch of a union), nested ones as `a.b`. */
function fieldsOf(schema: JsonSchema, parent = '', depth = 0): [string, JsonSchema][] {
  if (depth > 3) return [];
  const branches = [schema, ...((schema.anyOf ?? schema.oneOf ?? []) as JsonSchema[])];
  return branches.flatMap((branch) =>
    Object.entries((branch.properties ?? {}) as Record<string, JsonSchema>).flatMap(
      ([name, property]): [string, JsonSchema][] => [
        [`${parent}${name}`, property],
        ...(property.$ref ? [] : fieldsOf(property, `${parent}${name}.`, depth + 1)),
      ],
    ),
  );
}
