// Every route the running app serves is in the OpenAPI document with the same method, and
// every documented operation is served. The routes come from the app's own router stack,
// never from the OpenAPI registry, so an undocumented route fails this test.
import { Router } from 'express';
import { SIMULATOR_MOUNT } from '../../src/app';
import { DASHBOARD_PATH } from '../../src/operators/dashboard.pages';
import { CALLBACK_PATH, LEGACY_CALLBACK_PATH } from '../../src/callbacks/callback.path';
import type { OpenApiDocument } from '../../src/core/openapi.types';
import { startTestServer, type TestServer } from '../helpers/server';
import { fetchDocument } from './document';
import { servedRoutes, type ServedRoute } from './express-routes';

/** Routes served on purpose without being part of the documented API, and why. */
const NOT_DOCUMENTED: { prefix: string; reason: string }[] = [
  {
    prefix: `${SIMULATOR_MOUNT}/`,
    reason: "the embedded Daraja simulator speaks Safaricom's API (simulator mode only), not ours",
  },
  {
    prefix: `${CALLBACK_PATH}`,
    reason:
      'Safaricom posts STK results here, to a per-transaction URL we hand it; integrators never call it',
  },
  {
    prefix: DASHBOARD_PATH,
    reason:
      "the dashboard's pages (HTML, script, style): a browser's, not an API; the routes they call are documented",
  },
  {
    prefix: `${LEGACY_CALLBACK_PATH}/`,
    reason:
      'the same handler at the path earlier versions handed Safaricom, kept for their payments in flight',
  },
];

const isExcluded = (route: ServedRoute) =>
  NOT_DOCUMENTED.some(
    ({ prefix }) => route.path === prefix.replace(/\/$/, '') || route.path.startsWith(prefix),
  );
const key = (method: string, expressPath: string) =>
  `${method.toUpperCase()} ${expressPath.replace(/:(\w+)/g, '{$1}')}`;

function documentedOperations(doc: OpenApiDocument): Set<string> {
  return new Set(
    Object.entries(doc.paths).flatMap(([path, item]) => Object.keys(item).map((method) => key(method, path))),
  );
}

/** The served routes (outside the exclusions) that the document does not describe. */
function undocumented(routes: ServedRoute[], doc: OpenApiDocument): string[] {
  const documented = documentedOperations(doc);
  return routes
    .filter((route) => !isExcluded(route))
    .map((route) => key(route.method, route.path))
    .filter((op) => !documented.has(op));
}

let server: TestServer;
let doc: OpenApiDocument;

beforeAll(async () => {
  server = await startTestServer();
  doc = await fetchDocument(server.url);
});
afterAll(() => server.close());

describe('when the route table of the running app is compared with /openapi.json', () => {
  it('then the walk finds the routes, the simulator and the callback route included', () => {
    const found = servedRoutes(server.service.app).map((route) => key(route.method, route.path));
    expect(found).toEqual(
      expect.arrayContaining([
        'POST /api/v1/transactions/initiate',
        'GET /api/v1/transactions/{id}',
        'POST /api/v1/projects/{id}/keys/rotate',
        'GET /health',
        'GET /openapi.json',
        'GET /docs',
        `POST ${CALLBACK_PATH}/{transactionId}/{token}`,
        `POST ${LEGACY_CALLBACK_PATH}/{transactionId}/{token}`,
        `POST ${SIMULATOR_MOUNT}/mpesa/stkpush/v1/processrequest`,
      ]),
    );
  });

  it('then every served route is documented with the same method', () => {
    expect(undocumented(servedRoutes(server.service.app), doc)).toEqual([]);
  });

  it('then every documented operation is served', () => {
    const served = new Set(servedRoutes(server.service.app).map((route) => key(route.method, route.path)));
    expect([...documentedOperations(doc)].filter((op) => !served.has(op))).toEqual([]);
  });

  it('then a route added to the app without documentation is named as missing', () => {
    // Added last, after this file's other checks: the app is this file's own.
    const refunds = Router();
    refunds.get('/:id', (_req, res) => res.json({}));
    refunds.delete('/:id', (_req, res) => res.json({}));
    server.service.app.use('/api/v1/refunds', refunds);
    server.service.app.patch('/api/v1/transactions/:id', (_req, res) => res.json({}));
    expect(undocumented(servedRoutes(server.service.app), doc)).toEqual([
      'GET /api/v1/refunds/{id}',
      'DELETE /api/v1/refunds/{id}',
      'PATCH /api/v1/transactions/{id}',
    ]);
  });
});
