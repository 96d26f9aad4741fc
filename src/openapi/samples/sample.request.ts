// What one operation's samples send, read from the OpenAPI document (so from the operation
// declarations it is built from): method, path with its example parameters, query, the headers
// worth showing, the body, how the caller authenticates, what the answer is, and which SDK
// method makes the call. Every language's sample (sample.*.ts) is written from this alone.
import { ADMIN_SCHEME, SESSION_SCHEME, SIGNATURE_SCHEMES } from '../openapi.security';
import type {
  HttpMethod,
  JsonSchema,
  OpenApiDocument,
  OperationObject,
  SdkMethod,
} from '../../core/openapi.types';

/** What the reader stands in for: the project keys, the admin token, a dashboard session, nobody. */
export type SampleAuth = 'signature' | 'admin' | 'session' | 'none';

export type QueryValue = string | number | boolean;

export interface SampleRequest {
  operationId: string;
  method: HttpMethod;
  /** The path with its example parameters in, without the query. */
  path: string;
  /** The path parameters' values, in the order the path has them. */
  pathValues: string[];
  query: Record<string, QueryValue>;
  /** `path?query`, exactly as it is signed and sent. */
  pathWithQuery: string;
  /** The optional headers the declaration shows (an Idempotency-Key). */
  headers: Record<string, string>;
  /** The JSON body; undefined when the operation takes none. */
  body: unknown;
  auth: SampleAuth;
  /** What the first success answer carries. */
  answer: 'json' | 'text' | 'none';
  /** A page with `nextCursor`: the SDKs return a paged list. */
  paged: boolean;
  sdk?: SdkMethod;
}

const REF_PREFIX = '#/components/schemas/';

export function sampleRequestOf(
  document: OpenApiDocument,
  path: string,
  method: HttpMethod,
  op: OperationObject,
): SampleRequest {
  const parameters = op.parameters ?? [];
  const pathParameters = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  const exampleOf = (name: string) => {
    const parameter = parameters.find((p) => p.in === 'path' && p.name === name);
    if (parameter?.example === undefined)
      throw new Error(`${op.operationId}: path parameter ${name} has no example for the samples`);
    return String(parameter.example);
  };
  const pathValues = pathParameters.map(exampleOf);
  const filled = pathParameters.reduce(
    (result, name, index) => result.replace(`{${name}}`, encodeURIComponent(pathValues[index]!)),
    path,
  );
  const query = Object.fromEntries(
    parameters
      .filter((p) => p.in === 'query' && p.example !== undefined)
      .map((p) => [p.name, p.example as QueryValue]),
  );
  const search = new URLSearchParams(
    Object.entries(query).map(([name, value]): [string, string] => [name, String(value)]),
  ).toString();
  const headers = Object.fromEntries(
    parameters
      .filter((p) => p.in === 'header' && p.example !== undefined)
      .map((p) => [p.name, String(p.example)]),
  );
  const media = op.requestBody?.content['application/json'];
  const [, success] = Object.entries(op.responses).find(([status]) => /^2/.test(status)) ?? ([] as never[]);
  const content = success?.content ? Object.entries(success.content)[0] : undefined;
  return {
    operationId: op.operationId,
    method,
    path: filled,
    pathValues,
    query,
    pathWithQuery: search ? `${filled}?${search}` : filled,
    headers,
    body: media ? (media.example ?? {}) : undefined,
    auth: authOf(op),
    answer: !content ? 'none' : content[0] === 'application/json' ? 'json' : 'text',
    paged: content ? hasNextCursor(content[1].schema, document.components.schemas) : false,
    ...(op['x-sdk'] ? { sdk: op['x-sdk'] } : {}),
  };
}

/** Every operation of the document with its request, in the document's order. */
export function sampleRequestsOf(document: OpenApiDocument): SampleRequest[] {
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => sampleRequestOf(document, path, method as HttpMethod, op!)),
  );
}

function authOf(op: OperationObject): SampleAuth {
  const schemes = op.security.flatMap((requirement) => Object.keys(requirement));
  if (schemes.includes(SIGNATURE_SCHEMES.signature)) return 'signature';
  if (schemes.includes(ADMIN_SCHEME)) return 'admin';
  if (schemes.includes(SESSION_SCHEME)) return 'session';
  return 'none';
}

function hasNextCursor(schema: JsonSchema, components: Record<string, JsonSchema>): boolean {
  const target = typeof schema.$ref === 'string' ? components[schema.$ref.slice(REF_PREFIX.length)] : schema;
  return Boolean(target?.properties && 'nextCursor' in (target.properties as object));
}
