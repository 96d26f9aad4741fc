// Builds the OpenAPI 3.1 document from the features' sections (listed in app.ts). Every
// schema goes through zod's z.toJSONSchema (openapi.json-schema.ts); the builder only adds
// what follows from the route's shape: parameters, security and the error responses implied
// by its authentication and inputs.
import type { z } from 'zod';
import { ERROR_STATUS, type ErrorCode } from '../errors';
import { errorExample, errorResponseSchema, ERROR_EXPLANATIONS } from './openapi.errors';
import { createSchemaComponents, type SchemaComponents } from './openapi.json-schema';
import { requiredExampleOf } from './docs.schema';
import { overview } from './openapi.overview';
import { securityFor, securitySchemes, WEBHOOK_SCHEME } from './openapi.security';
import type {
  ApiSection,
  HeaderSpec,
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  OperationSpec,
  ParameterObject,
  ResponseObject,
  WebhookSpec,
} from '../core/openapi.types';

export interface DocumentOptions {
  title: string;
  version: string;
  signatureToleranceSeconds: number;
}

const SIGNATURE_ERRORS: readonly ErrorCode[] = [
  'signature_missing',
  'signature_expired',
  'api_key_unknown',
  'signature_invalid',
  'rate_limited',
];
/** Only a state-changing request is refused as a replay, and only its check needs the shared store. */
const WRITE_SIGNATURE_ERRORS: readonly ErrorCode[] = ['signature_replayed', 'service_unavailable'];
const BODY_ERRORS: readonly ErrorCode[] = [
  'validation_failed',
  'invalid_json',
  'body_unreadable',
  'unsupported_media_type',
  'payload_too_large',
];

/** `/api/v1/transactions/:id` -> `/api/v1/transactions/{id}`. */
export function toOpenApiPath(expressPath: string): string {
  return expressPath.replace(/:(\w+)/g, '{$1}');
}

export function buildOpenApiDocument(
  sections: readonly ApiSection[],
  options: DocumentOptions,
): OpenApiDocument {
  const components = createSchemaComponents();
  const errorSchema = components.toSchema(errorResponseSchema, 'output');
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();

  for (const spec of sections.flatMap((section) => section.operations ?? [])) {
    if (operationIds.has(spec.operationId))
      throw new Error(`OpenAPI: operationId ${spec.operationId} is used twice`);
    operationIds.add(spec.operationId);
    const item = (paths[toOpenApiPath(spec.path)] ??= {});
    if (item[spec.method])
      throw new Error(`OpenAPI: ${spec.method.toUpperCase()} ${spec.path} is described twice`);
    item[spec.method] = buildOperation(spec, components, errorSchema);
  }

  const webhooks: OpenApiDocument['webhooks'] = {};
  for (const spec of sections.flatMap((section) => section.webhooks ?? []))
    webhooks[spec.type] = { post: buildWebhook(spec, components) };

  const events = sections
    .flatMap((section) => section.socketEvents ?? [])
    .map((event) => ({
      name: event.name,
      namespace: event.namespace ?? '/',
      direction: event.direction,
      summary: event.summary,
      ...(event.description ? { description: event.description } : {}),
      payload: components.toSchema(
        event.payload,
        event.direction === 'client-to-server' ? 'input' : 'output',
      ),
      ...(event.ack ? { ack: components.toSchema(event.ack, 'output') } : {}),
    }));

  return {
    openapi: '3.1.0',
    info: {
      title: options.title,
      version: options.version,
      description: overview(options.signatureToleranceSeconds),
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: '/', description: 'This server' }],
    tags: sections.flatMap((section) => section.tags ?? []),
    paths,
    webhooks,
    components: {
      schemas: sortedByKey(components.schemas),
      securitySchemes: securitySchemes(options.signatureToleranceSeconds),
    },
    'x-socket-io': {
      path: '/socket.io',
      description:
        'Socket.io 4 on the same host and port as the HTTP API. In the default namespace a browser subscribes to one transaction with the `clientSecret` from initiate; ' +
        'in the `/projects` namespace a server (or the CLI) signed with the project keys follows everything that happens in its project and mode.',
      events,
    },
  };
}

function buildOperation(
  spec: OperationSpec,
  components: SchemaComponents,
  errorSchema: JsonSchema,
): OperationObject {
  const pathNames = [...spec.path.matchAll(/:(\w+)/g)].map((match) => match[1]!);
  const sample = spec.sample ?? {};
  const parameters = [
    ...withExamples(parametersOf(spec.params, 'path', components), sample.params),
    ...withExamples(parametersOf(spec.query, 'query', components), sample.query),
    ...withExamples(headerParameters(spec.headers ?? {}, components), sample.headers),
  ];
  const declared = parameters.filter((p) => p.in === 'path').map((p) => p.name);
  if (pathNames.join() !== declared.join()) {
    throw new Error(
      `OpenAPI: ${spec.operationId} path ${spec.path} has parameters [${pathNames}] but params declares [${declared}]`,
    );
  }

  const responses: Record<string, ResponseObject> = {};
  for (const [status, response] of Object.entries(spec.responses)) {
    responses[status] = {
      description: response.description,
      ...(response.headers ? { headers: headersOf(response.headers, components) } : {}),
      ...(response.schema
        ? {
            content: {
              [response.contentType ?? 'application/json']: {
                schema: components.toSchema(response.schema, 'output'),
              },
            },
          }
        : {}),
    };
  }
  Object.assign(responses, errorResponses(errorCodesOf(spec), errorSchema));

  return {
    operationId: spec.operationId,
    summary: spec.summary,
    ...(descriptionOf(spec) ? { description: descriptionOf(spec) } : {}),
    tags: [spec.tag],
    security: securityFor(spec.auth),
    ...(parameters.length ? { parameters } : {}),
    ...(spec.body ? { requestBody: requestBodyOf(spec.body, sample.body, components) } : {}),
    responses,
    ...(sample.sdk ? { 'x-sdk': sample.sdk } : {}),
  };
}

/** The body schema, and the body the samples send: the declared one, else its schema's required examples. */
function requestBodyOf(body: z.ZodType, declared: unknown, components: SchemaComponents) {
  const schema = components.toSchema(body, 'input');
  const example = declared ?? requiredExampleOf(schema, components.schemas);
  return { required: true, content: { 'application/json': { schema, example } } };
}

/**
 * A sample value per parameter: the declared one, else (for a path parameter, which a request
 * cannot leave out) its schema's first example.
 */
function withExamples(
  parameters: ParameterObject[],
  declared: Record<string, string | number | boolean> | undefined,
): ParameterObject[] {
  return parameters.map((parameter) => {
    const schemaExample = Array.isArray(parameter.schema.examples) ? parameter.schema.examples[0] : undefined;
    const example =
      declared?.[parameter.name] ?? (parameter.in === 'path' ? (schemaExample as unknown) : undefined);
    return example === undefined ? parameter : { ...parameter, example };
  });
}

/** The declared description, then the rule a dashboard session meets, if any. */
function descriptionOf(spec: OperationSpec): string | undefined {
  const { operatorOnly } = spec;
  if (!operatorOnly) return spec.description;
  const where = operatorOnly.modes ? ` (in ${operatorOnly.modes.join(' and ')} mode)` : '';
  const rule = `**Dashboard sessions:** operators only${where}; a member's session gets \`dashboard_forbidden\`.`;
  return spec.description ? `${spec.description}\n\n${rule}` : rule;
}

function buildWebhook(spec: WebhookSpec, components: SchemaComponents): OperationObject {
  return {
    operationId: `webhook_${spec.type.replace(/\W/g, '_')}`,
    summary: spec.summary,
    ...(spec.description ? { description: spec.description } : {}),
    tags: ['Webhooks'],
    // We sign these; the receiving endpoint checks the signature.
    security: [{ [WEBHOOK_SCHEME]: [] }],
    parameters: headerParameters(spec.headers, components),
    requestBody: {
      required: true,
      content: { 'application/json': { schema: components.toSchema(spec.payload, 'output') } },
    },
    responses: {
      '2XX': {
        description:
          'Any 2xx status acknowledges the delivery. Anything else, or no answer in time, is retried later.',
      },
    },
  };
}

/** The error codes a route can answer: its own, plus those implied by its auth and inputs. */
function errorCodesOf(spec: OperationSpec): ErrorCode[] {
  const codes = new Set<ErrorCode>(spec.errors ?? []);
  if (spec.auth === 'signature') SIGNATURE_ERRORS.forEach((code) => codes.add(code));
  if (spec.auth === 'signature' && spec.method !== 'get')
    WRITE_SIGNATURE_ERRORS.forEach((code) => codes.add(code));
  if (spec.auth === 'admin')
    ['admin_unauthorized', 'rate_limited'].forEach((code) => codes.add(code as ErrorCode));
  // The dashboard session that may stand in for either (src/auth/session-scope.ts).
  if (spec.auth !== 'none') codes.add('session_invalid');
  if (spec.auth === 'admin' || spec.operatorOnly) codes.add('dashboard_forbidden');
  if (spec.auth !== 'none' && spec.method !== 'get') codes.add('csrf_failed');
  if (spec.body) BODY_ERRORS.forEach((code) => codes.add(code));
  if (spec.params || spec.query || spec.headers) codes.add('validation_failed');
  codes.add('internal_error');
  return [...codes];
}

function errorResponses(codes: ErrorCode[], errorSchema: JsonSchema): Record<string, ResponseObject> {
  const byStatus = new Map<number, ErrorCode[]>();
  for (const code of codes)
    byStatus.set(ERROR_STATUS[code], [...(byStatus.get(ERROR_STATUS[code]) ?? []), code]);
  const responses: Record<string, ResponseObject> = {};
  for (const [status, group] of [...byStatus].sort(([a], [b]) => a - b)) {
    responses[String(status)] = {
      description: group.map((code) => `\`${code}\`: ${ERROR_EXPLANATIONS[code]}`).join('\n\n'),
      ...(status === 429 ? { headers: { ...RATE_LIMIT_HEADERS, ...RETRY_AFTER_HEADER } } : {}),
      ...(status === 503 ? { headers: RETRY_AFTER_HEADER } : {}),
      content: {
        'application/json': {
          schema: errorSchema,
          examples: Object.fromEntries(
            group.map((code) => [code, { summary: code, value: errorExample(code) }]),
          ),
        },
      },
    };
  }
  return responses;
}

const RATE_LIMIT_HEADERS = {
  RateLimit: {
    description: 'IETF draft-8 RateLimit header: remaining requests and seconds until the window resets.',
    schema: { type: 'string' },
  },
  'RateLimit-Policy': { description: 'The limit and window, e.g. `300;w=60`.', schema: { type: 'string' } },
};
const RETRY_AFTER_HEADER = {
  'Retry-After': { description: 'Seconds to wait before trying again.', schema: { type: 'string' } },
};

function parametersOf(
  schema: z.ZodObject | undefined,
  location: 'path' | 'query',
  components: SchemaComponents,
): ParameterObject[] {
  if (!schema) return [];
  const object = components.toSchema(schema, 'input') as {
    properties?: Record<string, JsonSchema>;
    required?: string[];
  };
  return Object.entries(object.properties ?? {}).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || (object.required ?? []).includes(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

function headerParameters(
  headers: Record<string, HeaderSpec>,
  components: SchemaComponents,
): ParameterObject[] {
  return Object.entries(headers).map(([name, header]) => {
    const { description, ...schema } = components.toSchema(header.schema, 'input');
    const text = header.description ?? (typeof description === 'string' ? description : undefined);
    return {
      name,
      in: 'header',
      required: header.required ?? false,
      ...(text ? { description: text } : {}),
      schema,
    };
  });
}

function headersOf(headers: Record<string, HeaderSpec>, components: SchemaComponents) {
  return Object.fromEntries(
    headerParameters(headers, components).map(({ name, description, schema }) => [
      name,
      { ...(description ? { description } : {}), schema },
    ]),
  );
}

function sortedByKey<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}
