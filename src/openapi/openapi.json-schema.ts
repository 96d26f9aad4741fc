// zod -> JSON Schema 2020-12 (OpenAPI 3.1's dialect) with zod 4's own z.toJSONSchema.
// Schemas named with `.meta({ id })` become components: zod puts them in `$defs`, we move
// them to `#/components/schemas` and point the refs there. Requests are documented as the
// client sends them (io 'input': before transforms and defaults), responses as we send them.
import { isDeepStrictEqual } from 'node:util';
import { z } from 'zod';
import type { JsonSchema } from '../core/openapi.types';

export type Io = 'input' | 'output';

const COMPONENT_PREFIX = '#/components/schemas/';

export interface SchemaComponents {
  /** The schema for use in the document: a `$ref` when the schema has an id (`.meta({ id })`), else inline. */
  toSchema(schema: z.ZodType, io: Io): JsonSchema;
  /** Every named schema met so far, by id. */
  readonly schemas: Record<string, JsonSchema>;
}

export function createSchemaComponents(): SchemaComponents {
  const schemas: Record<string, JsonSchema> = {};

  function addComponent(id: string, schema: JsonSchema) {
    const known = schemas[id];
    // One id, one shape: a schema documented both as input and output must look the same.
    if (known && !isDeepStrictEqual(known, schema))
      throw new Error(`OpenAPI component ${id} has two different shapes (input and output?)`);
    schemas[id] = schema;
  }

  return {
    schemas,
    toSchema(schema, io) {
      const {
        $defs,
        $schema: _dialect,
        ...root
      } = z.toJSONSchema(schema, {
        target: 'draft-2020-12',
        io,
        // A transform's output cannot be described; requests use io 'input', where it never happens.
        unrepresentable: 'any',
        override: ({ jsonSchema }) => {
          // zod adds its date-time regex next to `format`; the format says it, the regex only adds noise.
          if (jsonSchema.format === 'date-time') delete jsonSchema.pattern;
          // z.number().int() bounds itself to safe integers; only real bounds are worth showing.
          if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
          if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
        },
      }) as JsonSchema & { $defs?: Record<string, JsonSchema> };
      // A schema with an id comes back as a bare `$ref` into `$defs`, so the root needs no special case.
      for (const [id, def] of Object.entries($defs ?? {})) addComponent(id, pointRefsAtComponents(def));
      return pointRefsAtComponents(root);
    },
  };
}

function pointRefsAtComponents<T>(value: T): T {
  if (Array.isArray(value)) return value.map(pointRefsAtComponents) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: JsonSchema = {};
  for (const [key, inner] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof inner === 'string'
        ? inner.replace(/^#\/\$defs\//, COMPONENT_PREFIX)
        : pointRefsAtComponents(inner);
  }
  return out as T;
}
