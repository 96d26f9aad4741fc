// GET /openapi.json and GET /docs. Built on first request from the features' sections and the
// parsed config (amount bounds, signature tolerance), then kept: both are pure functions of them.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Router } from 'express';
import type { Config } from '../config';
import { renderReferencePage } from './docs.page';
import { buildOpenApiDocument } from './openapi.document';
import { apiSections } from './openapi.sections';
import type { OpenApiDocument } from '../core/openapi.types';
import { DOCS_PATH, OPENAPI_JSON_PATH } from './system.openapi';

export function createOpenApiDocument(
  config: Pick<Config, 'amount' | 'signatureToleranceSeconds'>,
): OpenApiDocument {
  return buildOpenApiDocument(apiSections(config), {
    title: 'mpesa-bridge API',
    version: packageVersion(),
    signatureToleranceSeconds: config.signatureToleranceSeconds,
  });
}

export function createOpenApiRoutes(config: Pick<Config, 'amount' | 'signatureToleranceSeconds'>): Router {
  let document: OpenApiDocument | undefined;
  let page: string | undefined;
  const currentDocument = () => (document ??= createOpenApiDocument(config));
  const router = Router();

  router.get(OPENAPI_JSON_PATH, (_req, res) => {
    res.json(currentDocument());
  });
  router.get(DOCS_PATH, (_req, res) => {
    res.type('html').send((page ??= renderReferencePage(currentDocument(), OPENAPI_JSON_PATH)));
  });
  return router;
}

/** package.json sits two levels up from both src/openapi and dist/openapi. */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(join(__dirname, '..', '..', 'package.json'), 'utf8')) as {
    version: string;
  };
  return manifest.version;
}
