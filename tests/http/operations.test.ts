// One declaration makes the route and the reference entry (src/core/operation.ts): its guards
// run in the declared order, its inputs are validated with its own schemas before the handler
// sees them, and the document describes the same path. A small app on a real port, with the
// service's JSON parser and error handler.
import express, { type RequestHandler } from 'express';
import request from 'supertest';
import { z } from 'zod';
import { AppError } from '../../src/errors';
import { createErrorHandler } from '../../src/http/error-handler';
import { jsonBody } from '../../src/http/json-body';
import { defineOperation } from '../../src/core/operation';
import { mountOperations, type EdgeGuards } from '../../src/http/operation.mount';
import { createLogger } from '../../src/logger';
import { buildOpenApiDocument } from '../../src/openapi/openapi.document';

interface Deps {
  shelf: Map<string, string>;
}
const operation = defineOperation<Deps>();
const seen: string[] = [];
const step =
  (name: string): RequestHandler =>
  (_req, _res, next) => {
    seen.push(name);
    next();
  };

const putBook = operation({
  method: 'put',
  path: '/books/:id',
  operationId: 'putBook',
  tag: 'Books',
  summary: 'Shelve a book',
  auth: 'admin',
  rateLimit: 'projectCreatePerSource',
  params: z.object({ id: z.string().regex(/^b_\d+$/) }),
  query: z.object({ shelf: z.enum(['top', 'bottom']).optional() }),
  headers: { 'X-Edition': { schema: z.string().regex(/^\d+$/), required: false } },
  body: z.strictObject({ title: z.string().min(1) }),
  responses: { 200: { description: 'Shelved.', schema: z.object({ id: z.string() }) } },
  handler: ({ deps, res, params, query, body, headers }) => {
    seen.push('handler');
    deps.shelf.set(params.id, `${body.title} (${headers['X-Edition'] ?? 'first'}, ${query.shelf ?? 'top'})`);
    res.json({ id: params.id, shelved: deps.shelf.get(params.id) });
  },
});
const readBooks = operation({
  method: 'get',
  path: '/books',
  operationId: 'listBooks',
  tag: 'Books',
  summary: 'List books',
  auth: 'signature',
  rateLimit: 'perProject',
  precondition: (req) => {
    seen.push('precondition');
    if (req.get('x-closed')) throw new AppError('test_mode_only', 'closed');
  },
  responses: { 200: { description: 'The books.', schema: z.object({ data: z.array(z.string()) }) } },
  handler: ({ deps, res }) => {
    res.json({ data: [...deps.shelf.values()] });
  },
});

const guards: EdgeGuards = {
  auth: {
    signature: () => step('signature'),
    admin: () => step('admin'),
    session: () => step('session'),
  },
  limits: {
    perProject: step('perProject'),
    projectCreatePerSource: step('projectCreatePerSource'),
    checkoutPerSource: step('checkoutPerSource'),
  },
};

function appOf(deps: Deps) {
  const app = express();
  app.use(jsonBody('1kb'));
  mountOperations(app, [putBook, readBooks], deps, guards);
  app.use(createErrorHandler(createLogger({ log: { level: 'error', format: 'json' } }, true)));
  return app;
}

beforeEach(() => {
  seen.length = 0;
});

describe('when a declared operation is called', () => {
  it('then a source-keyed limit runs before its auth, and the handler gets the parsed inputs', async () => {
    const answer = await request(appOf({ shelf: new Map() }))
      .put('/books/b_1?shelf=bottom')
      .set('X-Edition', '2')
      .send({ title: 'Dune' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ id: 'b_1', shelved: 'Dune (2, bottom)' });
    expect(seen).toEqual(['projectCreatePerSource', 'admin', 'handler']);
  });

  it('then a project-keyed limit runs after the signature, and the precondition before the handler', async () => {
    const answer = await request(appOf({ shelf: new Map([['b_1', 'Dune']]) })).get('/books');
    expect(answer.body).toEqual({ data: ['Dune'] });
    expect(seen).toEqual(['signature', 'perProject', 'precondition']);
    const refused = await request(appOf({ shelf: new Map() }))
      .get('/books')
      .set('X-Closed', '1');
    expect([refused.status, refused.body.error.code]).toEqual([403, 'test_mode_only']);
  });
});

describe('when its inputs are wrong', () => {
  it.each([
    ['the path', '/books/nope', {}, { title: 'x' }, { field: 'id', in: 'path' }],
    ['the query', '/books/b_1?shelf=middle', {}, { title: 'x' }, { field: 'shelf', in: 'query' }],
    ['the body', '/books/b_1', {}, { title: '' }, { field: 'title', in: 'body' }],
    ['a header', '/books/b_1', { 'X-Edition': 'two' }, { title: 'x' }, { field: 'X-Edition', in: 'header' }],
  ])('then %s is refused with validation_failed naming it, and the handler never runs', async (...args) => {
    const [, url, headers, body, problem] = args;
    const answer = await request(appOf({ shelf: new Map() }))
      .put(url)
      .set(headers)
      .send(body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.code).toBe('validation_failed');
    expect(answer.body.error.details.fields[0]).toMatchObject(problem);
    expect(seen).not.toContain('handler');
  });

  it('then the path is reported first when both the path and the body are wrong', async () => {
    const answer = await request(appOf({ shelf: new Map() }))
      .put('/books/nope')
      .send({ title: '' });
    expect(answer.body.error.details.fields).toEqual([expect.objectContaining({ field: 'id', in: 'path' })]);
  });
});

describe('when the same declarations make the reference', () => {
  it('then it documents each with its parameters, body and the errors its auth implies', () => {
    const doc = buildOpenApiDocument([{ operations: [putBook, readBooks] }], {
      title: 't',
      version: '0',
      signatureToleranceSeconds: 300,
    });
    const put = doc.paths['/books/{id}']!.put!;
    expect(put.parameters!.map((p) => `${p.in} ${p.name}`)).toEqual([
      'path id',
      'query shelf',
      'header X-Edition',
    ]);
    expect(put.requestBody!.content['application/json']!.schema).toMatchObject({ required: ['title'] });
    expect(Object.keys(put.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(doc.paths['/books']!.get!.operationId).toBe('listBooks');
    expect(JSON.stringify(doc)).not.toContain('handler');
  });

  it('then a per-project limit without the signature that names the project is refused at start', () => {
    const wrong = operation({ ...readBooks, auth: 'admin', handler: () => undefined });
    expect(() => mountOperations(express(), [wrong], { shelf: new Map() }, guards)).toThrow(
      /listBooks: a per-project limit needs the signature/,
    );
  });

  it('then operatorOnly reaches the signature guard built for that operation, and nowhere else', () => {
    const rule = { what: 'burn the books', modes: ['live'] as const };
    const burnBooks = operation({
      ...readBooks,
      method: 'delete',
      operationId: 'burnBooks',
      operatorOnly: rule,
    });
    const built: unknown[] = [];
    const spying: EdgeGuards = {
      ...guards,
      auth: {
        ...guards.auth,
        signature: (declared) => {
          built.push(declared.operatorOnly);
          return step('signature');
        },
      },
    };
    mountOperations(express(), [readBooks, burnBooks], { shelf: new Map() }, spying);
    expect(built).toEqual([undefined, rule]);
  });

  it('then operatorOnly without the signature a session stands in for is refused at start', () => {
    const wrong = operation({
      ...putBook,
      operatorOnly: { what: 'shelve' },
      handler: () => undefined,
    });
    expect(() => mountOperations(express(), [wrong], { shelf: new Map() }, guards)).toThrow(
      /putBook: operatorOnly refuses a member's session where it stands in for the signature/,
    );
  });
});
