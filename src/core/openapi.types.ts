// What a feature tells the OpenAPI builder about itself: one `ApiSection` whose operations are
// the declarations its routes are made from (src/core/operation.ts); app.ts lists the sections.
// Schemas are the zod schemas the routes validate with (requests) and type their mappers with
// (responses): the document is generated from them, never written by hand.
import type { z } from 'zod';
import type { ErrorCode } from '../errors';
import type { Mode } from './scope';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/**
 * How a caller proves who it is: the merchant request signature, the operator's bearer token,
 * a dashboard session cookie only, or not at all. A dashboard session may stand in for the
 * first two (a member's for the signature of its projects, an operator's for the token).
 */
export type Auth = 'signature' | 'admin' | 'session' | 'none';

/**
 * A signature operation a dashboard member's session may not call: where the money goes is an
 * operator's decision (src/auth/session-scope.ts). A signed request and an operator's session pass.
 */
export interface OperatorOnly {
  /** Ends "Only an operator may …" in the refusal. */
  what: string;
  /** The modes (X-Mode) it holds in; every mode when absent. */
  modes?: readonly Mode[];
}

export interface HeaderSpec {
  schema: z.ZodType;
  description?: string;
  required?: boolean;
}

export interface ResponseSpec {
  description: string;
  schema?: z.ZodType;
  /** Defaults to application/json. */
  contentType?: string;
  headers?: Record<string, HeaderSpec>;
}

/**
 * The method each SDK (sdk/, sdk-python/, sdk-php/) calls this operation with, as
 * `resource.method` in that SDK's own spelling. tests/openapi/sdk-methods.test.ts checks that each
 * exists; the reference's samples call it (src/openapi/samples).
 */
export interface SdkMethod {
  node: string;
  python: string;
  php: string;
  /** The PHP method takes the body as one array of changes (`update($id, [...])`), not as named arguments. */
  phpArray?: boolean;
  /** The method takes the Idempotency-Key as an option (`idempotencyKey`, `idempotency_key`). */
  idempotencyKeyOption?: boolean;
}

/**
 * What the reference's samples send (OpenAPI `example`s): they are run against a real service in
 * CI (tests/reference), so each must be a request the operation accepts.
 */
export interface OperationSample {
  /** Absent on a signed operation: the samples use each SDK's raw signed request. */
  sdk?: SdkMethod;
  /** The body; the required fields of the body schema's own examples when absent. */
  body?: unknown;
  query?: Record<string, string | number | boolean>;
  /** Path parameters the schema has no example for. */
  params?: Record<string, string>;
  /** Optional headers worth showing (an Idempotency-Key). */
  headers?: Record<string, string>;
}

export interface OperationSpec {
  method: HttpMethod;
  /** The full path as Express matches it (`/api/v1/transactions/:id`); `:name` becomes `{name}`. */
  path: string;
  operationId: string;
  tag: string;
  summary: string;
  description?: string;
  auth: Auth;
  operatorOnly?: OperatorOnly;
  /** Path parameters: an object schema with one key per `:name` in `path`. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  headers?: Record<string, HeaderSpec>;
  body?: z.ZodType;
  responses: Record<number, ResponseSpec>;
  /**
   * Error codes this operation answers with, beyond the ones the builder adds from `auth`
   * (signature or admin codes), `body`/`params`/`query` (validation) and `internal_error`.
   */
  errors?: readonly ErrorCode[];
  sample?: OperationSample;
}

/** An event we POST to merchants' webhook endpoints (OpenAPI 3.1 top-level `webhooks`). */
export interface WebhookSpec {
  /** The event type, e.g. `transaction.completed`; also the key under `webhooks`. */
  type: string;
  summary: string;
  description?: string;
  /** Headers every delivery carries (the Standard Webhooks signature headers). */
  headers: Record<string, HeaderSpec>;
  payload: z.ZodType;
}

/** A Socket.io event on the service's port, documented under the `x-socket-io` extension. */
export interface SocketEventSpec {
  name: string;
  /** The Socket.io namespace; the default one (`/`) when absent. */
  namespace?: string;
  direction: 'client-to-server' | 'server-to-client';
  summary: string;
  description?: string;
  payload: z.ZodType;
  /** The acknowledgement the server answers a client event with. */
  ack?: z.ZodType;
}

export interface TagSpec {
  name: string;
  description: string;
}

/** Everything one feature contributes to the document. */
export interface ApiSection {
  tags?: readonly TagSpec[];
  operations?: readonly OperationSpec[];
  webhooks?: readonly WebhookSpec[];
  socketEvents?: readonly SocketEventSpec[];
}

// The document the builder produces: the parts the reference page reads, typed.
export type JsonSchema = { [key: string]: unknown };

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header';
  required: boolean;
  description?: string;
  schema: JsonSchema;
  /** The value the reference's samples send. */
  example?: unknown;
}

export interface MediaObject {
  schema: JsonSchema;
  example?: unknown;
  examples?: Record<string, { summary?: string; value: unknown }>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, { description?: string; schema: JsonSchema }>;
  content?: Record<string, MediaObject>;
}

export interface OperationObject {
  operationId: string;
  summary: string;
  description?: string;
  tags: string[];
  security: Record<string, string[]>[];
  parameters?: ParameterObject[];
  requestBody?: { required: boolean; content: Record<string, MediaObject> };
  responses: Record<string, ResponseObject>;
  /** The SDK method of each language that makes this call (OperationSample.sdk). */
  'x-sdk'?: SdkMethod;
}

export interface SocketEventObject {
  name: string;
  namespace: string;
  direction: SocketEventSpec['direction'];
  summary: string;
  description?: string;
  payload: JsonSchema;
  ack?: JsonSchema;
}

export interface OpenApiDocument {
  openapi: string;
  info: {
    title: string;
    version: string;
    description: string;
    license?: { name: string; identifier: string };
  };
  servers: { url: string; description?: string }[];
  tags: TagSpec[];
  paths: Record<string, Partial<Record<HttpMethod, OperationObject>>>;
  webhooks: Record<string, { post: OperationObject }>;
  components: { schemas: Record<string, JsonSchema>; securitySchemes: Record<string, JsonSchema> };
  'x-socket-io': { path: string; description: string; events: SocketEventObject[] };
}
