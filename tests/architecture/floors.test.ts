// The floors of src/ (docs: STYLE "Floors", issue 17): a file imports its own folder or a lower
// floor; two floor-3 features never import each other (what they share lives lower, or
// composition passes it in); and no runtime cycle runs between folders. Type imports count
// too: a type names the code it comes from. The rules read the sources with TypeScript's own
// parser, so a multi-line or `import type` statement is seen as the compiler sees it.
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const SRC = path.resolve(__dirname, '../../src');

/** One table: a folder (or a file at the top of src/) and its floor. */
const FLOORS: Record<string, number> = {
  // 0 kernel
  'config.ts': 0,
  'logger.ts': 0,
  'errors.ts': 0,
  'ids.ts': 0,
  'request-context.ts': 0,
  'validation.ts': 0,
  'redis.ts': 0,
  'types/': 0,
  'core/': 0,
  'db/': 0,
  'security/': 0,
  'metrics/': 0,
  'bus/': 0,
  // 1 outside systems
  'mpesa/': 1,
  'simulator/': 1,
  // 2 the ledger
  'payments/': 2,
  // 3 features
  'projects/': 3,
  'accounts/': 3,
  'transactions/': 3,
  'callbacks/': 3,
  'reconciliation/': 3,
  'webhooks/': 3,
  'realtime/': 3,
  'operators/': 3,
  'vault/': 3,
  'stats/': 3,
  'diagnostics/': 3,
  'test-payments/': 3,
  'c2b/': 3,
  'maintenance/': 3,
  'payouts/': 3,
  'refunds/': 3,
  'balances/': 3,
  'audit/': 3,
  'status-queries/': 3,
  'qr-codes/': 3,
  'checkout/': 3,
  'request-log/': 3,
  // 4 the HTTP edge
  'http/': 4,
  'auth/': 4,
  'openapi/': 4,
  // 5 composition
  'app.ts': 5,
  'service.ts': 5,
  'main.ts': 5,
  'start-banner.ts': 5,
};

/**
 * Known breaks of the rules as `file -> import`, each to be removed by moving code, never
 * added to. The test fails when one no longer occurs, so the list only shrinks.
 */
const KNOWN_EXCEPTIONS: readonly string[] = [];

interface Import {
  file: string;
  target: string;
  typeOnly: boolean;
}

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return /\.tsx?$/.test(entry.name) ? [full] : [];
  });
}

function resolveImport(from: string, spec: string): string | undefined {
  const base = path.resolve(path.dirname(from), spec);
  return [`${base}.ts`, `${base}.tsx`, `${base}.d.ts`, path.join(base, 'index.ts'), base].find(
    (candidate) => fs.existsSync(candidate) && fs.statSync(candidate).isFile(),
  );
}

function importsOf(file: string): Import[] {
  const source = ts.createSourceFile(file, fs.readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const found: Import[] = [];
  const visit = (node: ts.Node) => {
    let spec: string | undefined;
    let typeOnly = false;
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier)) {
      spec = node.moduleSpecifier.text;
      const clause = node.importClause;
      const named = clause?.namedBindings;
      typeOnly =
        !!clause &&
        (clause.isTypeOnly ||
          (!clause.name &&
            !!named &&
            ts.isNamedImports(named) &&
            named.elements.length > 0 &&
            named.elements.every((element) => element.isTypeOnly)));
    } else if (
      ts.isExportDeclaration(node) &&
      node.moduleSpecifier &&
      ts.isStringLiteral(node.moduleSpecifier)
    ) {
      spec = node.moduleSpecifier.text;
      const named = node.exportClause;
      typeOnly =
        node.isTypeOnly ||
        (!!named && ts.isNamedExports(named) && named.elements.every((element) => element.isTypeOnly));
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require')) &&
      node.arguments[0] &&
      ts.isStringLiteral(node.arguments[0])
    ) {
      spec = node.arguments[0].text;
    } else if (
      ts.isImportTypeNode(node) &&
      ts.isLiteralTypeNode(node.argument) &&
      ts.isStringLiteral(node.argument.literal)
    ) {
      spec = node.argument.literal.text;
      typeOnly = true;
    }
    if (spec?.startsWith('.')) {
      const target = resolveImport(file, spec);
      if (!target) throw new Error(`${rel(file)}: cannot resolve ${spec}`);
      found.push({ file: rel(file), target: rel(target), typeOnly });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

const rel = (file: string) => path.relative(SRC, file).split(path.sep).join('/');

/** The folder a file belongs to: its top folder, or `kernel`/`composition` for top-level files. */
function placeOf(file: string): { folder: string; floor: number } {
  const slash = file.indexOf('/');
  const key = slash === -1 ? file : file.slice(0, slash + 1);
  const floor = FLOORS[key];
  if (floor === undefined) throw new Error(`src/${file} has no floor: add its folder to FLOORS`);
  if (slash === -1) return { folder: floor === 0 ? 'kernel' : 'composition', floor };
  return { folder: key.slice(0, -1), floor };
}

interface Violation {
  file: string;
  target: string;
  rule: string;
}

/** Folder-level strongly connected components over runtime imports (Tarjan). */
function runtimeCycles(edges: Map<string, Set<string>>): string[][] {
  let index = 0;
  const indices = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];
  const connect = (node: string) => {
    indices.set(node, index);
    low.set(node, index);
    index++;
    stack.push(node);
    onStack.add(node);
    for (const next of edges.get(node) ?? []) {
      if (!indices.has(next)) {
        connect(next);
        low.set(node, Math.min(low.get(node)!, low.get(next)!));
      } else if (onStack.has(next)) low.set(node, Math.min(low.get(node)!, indices.get(next)!));
    }
    if (low.get(node) === indices.get(node)) {
      const component: string[] = [];
      let member: string;
      do {
        member = stack.pop()!;
        onStack.delete(member);
        component.push(member);
      } while (member !== node);
      if (component.length > 1) components.push(component.sort());
    }
  };
  for (const node of edges.keys()) if (!indices.has(node)) connect(node);
  return components;
}

function violations(imports: Import[]): Violation[] {
  const found: Violation[] = [];
  const runtime = new Map<string, Set<string>>();
  for (const { file, target, typeOnly } of imports) {
    const from = placeOf(file);
    const to = placeOf(target);
    if (from.folder === to.folder) continue;
    if (to.floor > from.floor)
      found.push({
        file,
        target,
        rule: `floor ${from.floor} (${from.folder}) imports floor ${to.floor} (${to.folder}): imports go down`,
      });
    else if (from.floor === 3 && to.floor === 3)
      found.push({
        file,
        target,
        rule: `feature ${from.folder} imports feature ${to.folder}: move what they share down, or inject it`,
      });
    if (!typeOnly) {
      if (!runtime.has(from.folder)) runtime.set(from.folder, new Set());
      runtime.get(from.folder)!.add(to.folder);
    }
  }
  // A cycle is named by its imports that do not go down: those are the ones to undo.
  for (const component of runtimeCycles(runtime)) {
    const members = new Set(component);
    for (const { file, target, typeOnly } of imports) {
      const from = placeOf(file);
      const to = placeOf(target);
      if (
        !typeOnly &&
        from.folder !== to.folder &&
        to.floor >= from.floor &&
        members.has(from.folder) &&
        members.has(to.folder)
      )
        found.push({ file, target, rule: `runtime cycle between folders ${component.join(', ')}` });
    }
  }
  return found;
}

const allImports = sourceFiles(SRC).flatMap(importsOf);
const key = (violation: Violation) => `${violation.file} -> ${violation.target}`;

describe('the floors of src/', () => {
  test('when every file is placed, then each has a floor in the one table', () => {
    for (const file of sourceFiles(SRC)) expect(() => placeOf(rel(file))).not.toThrow();
  });

  test('when imports are read, then none goes up a floor, across features or round a cycle, beyond the known exceptions', () => {
    const broken = violations(allImports).filter((violation) => !KNOWN_EXCEPTIONS.includes(key(violation)));
    const report = broken.map((violation) => `src/${key(violation)}: ${violation.rule}`);
    expect([...new Set(report)]).toEqual([]);
  });

  test('when a known exception no longer occurs, then it is taken off the list (it only shrinks)', () => {
    const occurring = new Set(violations(allImports).map(key));
    expect(KNOWN_EXCEPTIONS.filter((exception) => !occurring.has(exception))).toEqual([]);
  });

  test('when a feature imports another feature, then the rule names the file, the import and the rule', () => {
    const [found] = violations([
      { file: 'realtime/x.ts', target: 'operators/y.ts', typeOnly: true },
      { file: 'payments/z.ts', target: 'auth/w.ts', typeOnly: true },
    ]);
    expect(found).toEqual({
      file: 'realtime/x.ts',
      target: 'operators/y.ts',
      rule: 'feature realtime imports feature operators: move what they share down, or inject it',
    });
    expect(violations([{ file: 'payments/z.ts', target: 'auth/w.ts', typeOnly: true }])[0]?.rule).toBe(
      'floor 2 (payments) imports floor 4 (auth): imports go down',
    );
  });

  test('when two folders import each other at run time, then both imports are named as a cycle (a type import closes none)', () => {
    const found = violations([
      { file: 'core/a.ts', target: 'security/b.ts', typeOnly: false },
      { file: 'security/b.ts', target: 'core/a.ts', typeOnly: false },
      { file: 'security/c.ts', target: 'db/d.ts', typeOnly: true },
      { file: 'db/d.ts', target: 'security/b.ts', typeOnly: false },
    ]);
    expect(found.map((violation) => `${key(violation)}: ${violation.rule}`)).toEqual([
      'core/a.ts -> security/b.ts: runtime cycle between folders core, security',
      'security/b.ts -> core/a.ts: runtime cycle between folders core, security',
    ]);
  });
});
