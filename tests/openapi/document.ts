// The OpenAPI document as a client gets it (over HTTP), and a JSON Schema validator loaded
// with its components, to check real answers against what the document promises.
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import axios from 'axios';
import type { OpenApiDocument } from '../../src/core/openapi.types';

const DOCUMENT_ID = 'https://mpesa-bridge.test/openapi.json';

export async function fetchDocument(baseUrl: string): Promise<OpenApiDocument> {
  const response = await axios.get(`${baseUrl}/openapi.json`);
  expect(response.status).toBe(200);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  return response.data as OpenApiDocument;
}

export interface DocumentValidator {
  /** Errors of `value` against a component schema (empty when it conforms). */
  component(name: string, value: unknown): string[];
  /** Errors of a real HTTP answer against the documented response for its status. */
  response(method: string, path: string, answer: { status: number; data: unknown }): string[];
}

export function documentValidator(doc: OpenApiDocument): DocumentValidator {
  // Not strict: the document carries OpenAPI's own keywords (x-enumDescriptions). Every schema is
  // still checked against the 2020-12 meta-schema when added.
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: DOCUMENT_ID, components: doc.components, paths: doc.paths, webhooks: doc.webhooks });
  const compiled = new Map<string, ValidateFunction>();
  const check = (pointer: string, value: unknown) => {
    let validate = compiled.get(pointer);
    if (!validate) {
      validate = ajv.getSchema(`${DOCUMENT_ID}#${pointer}`);
      if (!validate) throw new Error(`No schema at ${pointer}`);
      compiled.set(pointer, validate);
    }
    return validate(value)
      ? []
      : (validate.errors ?? []).map((error) => `${error.instancePath || '(root)'} ${error.message}`);
  };
  const escape = (segment: string) => segment.replace(/~/g, '~0').replace(/\//g, '~1');

  return {
    component: (name, value) => check(`/components/schemas/${escape(name)}`, value),
    response(method, path, answer) {
      const response = doc.paths[path]?.[method as 'get']?.responses[String(answer.status)];
      if (!response) return [`${method.toUpperCase()} ${path} does not document status ${answer.status}`];
      if (!response.content?.['application/json'])
        return [`${method.toUpperCase()} ${path} ${answer.status} documents no JSON body`];
      return check(
        `/paths/${escape(path)}/${method}/responses/${answer.status}/content/application~1json/schema`,
        answer.data,
      );
    },
  };
}
