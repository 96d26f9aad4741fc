// GET /openapi.json and GET /docs, declared like every other operation. The document is built
// on first request from the sections the app serves (app.ts) and the parsed config (amount
// bounds, signature tolerance), then kept: both are pure functions of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Config } from '../config';
import { defineOperation, type FeatureApi } from '../core/operation';
import { renderReferencePage } from './docs.page';
import { buildOpenApiDocument } from './openapi.document';
import type { ApiSection, OpenApiDocument } from '../core/openapi.types';

export const OPENAPI_JSON_PATH = '/openapi.json';
export const DOCS_PATH = '/docs';

export interface Reference {
  document(): OpenApiDocument;
  page(): string;
}

export interface ReferenceDeps {
  reference: Reference;
}

export function createOpenApiDocument(
  sections: readonly ApiSection[],
  config: Pick<Config, 'signatureToleranceSeconds'>,
): OpenApiDocument {
  return buildOpenApiDocument(sections, {
    title: 'mpesa-bridge API',
    version: packageVersion(),
    signatureToleranceSeconds: config.signatureToleranceSeconds,
  });
}

/** The document and its page, each made once, when first asked for. */
export function createReference(build: () => OpenApiDocument): Reference {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const reference: Reference = {
    document: () => (document ??= build()),
    page: () => (page ??= renderReferencePage(reference.document(), OPENAPI_JSON_PATH)),
  };
  return reference;
}

const TAG = 'System';
const operation = defineOperation<ReferenceDeps>();

export const referenceApi: FeatureApi<ReferenceDeps> = {
  operations: [
    operation({
      method: 'get',
      path: OPENAPI_JSON_PATH,
      operationId: 'openApiDocument',
      tag: TAG,
      summary: 'This API as OpenAPI 3.1',
      auth: 'none',
      responses: { 200: { description: 'The OpenAPI document.', schema: z.record(z.string(), z.unknown()) } },
      handler: ({ deps, res }) => {
        res.json(deps.reference.document());
      },
    }),
    operation({
      method: 'get',
      path: DOCS_PATH,
      operationId: 'apiReference',
      tag: TAG,
      summary: 'This API reference as a web page',
      auth: 'none',
      responses: {
        200: {
          description: 'An HTML page rendered from the OpenAPI document.',
          contentType: 'text/html',
          schema: z.string(),
        },
      },
      handler: ({ deps, res }) => {
        res.type('html').send(deps.reference.page());
      },
    }),
  ],
};

/** package.json sits two levels up from both src/openapi and dist/openapi. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
