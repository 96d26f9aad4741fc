// CI step after `npm run build`: the compiled service (dist/) builds its OpenAPI document and a
// standard validator accepts it. Jest checks the same from the TypeScript sources on a running
// server; this catches what only the build can break (paths resolved from dist/, emitted code).
// Usage: npx tsx tests/openapi/validate-build.ts [distDir]
import { resolve } from 'node:path';
import { compileErrors, validate } from '@readme/openapi-parser';

type BuildDocument = (config: {
  amount: { min: number; max: number };
  signatureToleranceSeconds: number;
}) => { paths: object };

async function main() {
  const dist = resolve(process.argv[2] ?? 'dist');
  const { apiDocument } = require(`${dist}/app.js`) as { apiDocument: BuildDocument };
  const document = apiDocument({ amount: { min: 1, max: 250000 }, signatureToleranceSeconds: 300 });
  const result = await validate(structuredClone(document) as never);
  if (!result.valid) {
    console.error(compileErrors(result));
    process.exit(1);
  }
  console.log(`OpenAPI document of ${dist}: valid (${Object.keys(document.paths).length} paths)`);
}

void main();
