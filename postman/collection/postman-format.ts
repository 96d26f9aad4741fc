// The few shapes of Postman's collection format v2.1 that this collection uses, and builders
// that fill in the repetitive parts (URL objects, script events, header lists). Only standard
// v2.1 fields: the file must import into the Postman app as well as run in newman.

export const COLLECTION_SCHEMA = 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json';

export interface Script {
  listen: 'prerequest' | 'test';
  script: { type: 'text/javascript'; exec: string[] };
}

export interface Header {
  key: string;
  value: string;
  type: 'text';
  description?: string;
}

export interface QueryParam {
  key: string;
  value: string;
  disabled?: boolean;
  description?: string;
}

export interface Auth {
  type: 'noauth' | 'bearer';
  bearer?: { key: 'token'; value: string; type: 'string' }[];
}

export interface Url {
  raw: string;
  host: string[];
  path: string[];
  query?: QueryParam[];
  variable?: { key: string; value: string; description?: string }[];
}

export interface RequestItem {
  name: string;
  event?: Script[];
  request: {
    auth?: Auth;
    method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
    header: Header[];
    body?: { mode: 'raw'; raw: string; options: { raw: { language: 'json' } } };
    url: Url;
    description?: string;
  };
  response: [];
}

export interface Folder {
  name: string;
  description?: string;
  auth?: Auth;
  event?: Script[];
  item: (RequestItem | Folder)[];
}

export interface Collection {
  info: { _postman_id: string; name: string; description: string; schema: typeof COLLECTION_SCHEMA };
  auth: Auth;
  event: Script[];
  variable: { key: string; value: string; description?: string }[];
  item: Folder[];
}

export interface Environment {
  id: string;
  name: string;
  values: { key: string; value: string; type: 'default' | 'secret'; enabled: true }[];
  _postman_variable_scope: 'environment';
}

/** Script source (a template string) -> the line array Postman stores. */
export function script(listen: Script['listen'], source: string): Script {
  const lines = source.replace(/^\n+|\s+$/g, '').split('\n');
  const indent = Math.min(...lines.filter((line) => line.trim()).map((line) => /^ */.exec(line)![0].length));
  return { listen, script: { type: 'text/javascript', exec: lines.map((line) => line.slice(indent)) } };
}

export const header = (key: string, value: string, description?: string): Header => ({
  key,
  value,
  type: 'text',
  ...(description ? { description } : {}),
});

export const bearer = (token: string): Auth => ({
  type: 'bearer',
  bearer: [{ key: 'token', value: token, type: 'string' }],
});
export const noAuth: Auth = { type: 'noauth' };

export interface UrlParts {
  /** Path after {{baseUrl}}, e.g. "/api/v1/transactions/:id"; ":name" segments are path variables. */
  path: string;
  pathVariables?: Record<string, string>;
  query?: QueryParam[];
}

export function url({ path, pathVariables, query }: UrlParts): Url {
  const enabled = (query ?? []).filter((param) => !param.disabled);
  const queryString = enabled.map((param) => `${param.key}=${param.value}`).join('&');
  return {
    raw: `{{baseUrl}}${path}${queryString ? `?${queryString}` : ''}`,
    host: ['{{baseUrl}}'],
    path: path.split('/').filter(Boolean),
    ...(query?.length ? { query } : {}),
    ...(pathVariables
      ? { variable: Object.entries(pathVariables).map(([key, value]) => ({ key, value })) }
      : {}),
  };
}

export interface RequestSpec extends UrlParts {
  name: string;
  method: RequestItem['request']['method'];
  description?: string;
  headers?: Header[];
  /** JSON body; sent (and signed) exactly as this string. */
  body?: string;
  auth?: Auth;
  preRequest?: string;
  tests: string;
}

export function request(spec: RequestSpec): RequestItem {
  const event = [
    ...(spec.preRequest ? [script('prerequest', spec.preRequest)] : []),
    script('test', spec.tests),
  ];
  return {
    name: spec.name,
    event,
    request: {
      ...(spec.auth ? { auth: spec.auth } : {}),
      method: spec.method,
      header: [
        ...(spec.body !== undefined ? [header('Content-Type', 'application/json')] : []),
        ...(spec.headers ?? []),
      ],
      ...(spec.body !== undefined
        ? { body: { mode: 'raw', raw: spec.body, options: { raw: { language: 'json' } } } }
        : {}),
      url: url(spec),
      ...(spec.description ? { description: spec.description } : {}),
    },
    response: [],
  };
}

export function folder(
  name: string,
  description: string,
  item: Folder['item'],
  extra: Pick<Folder, 'auth' | 'event'> = {},
): Folder {
  return { name, description, ...extra, item };
}

/** Pretty JSON body, as a reader would type it (the signature covers these exact bytes). */
export const json = (value: unknown): string => JSON.stringify(value, null, 2);
