// axe-core (Deque's accessibility engine, an npm devDependency) run in the page as it is now:
// the serious and critical violations, each with the elements it found them on.
import fs from 'node:fs';
import type { Page } from 'playwright-core';

// Evaluated rather than added as a <script>: the dashboard's Content-Security-Policy (rightly)
// refuses inline scripts, and the test must not loosen it.
const AXE_SOURCE = fs.readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

interface AxeResult {
  violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
}

export async function seriousViolations(page: Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE);
  const result = (await page.evaluate(() =>
    (globalThis as unknown as { axe: { run(): Promise<unknown> } }).axe.run(),
  )) as AxeResult;
  return result.violations
    .filter((violation) => violation.impact === 'serious' || violation.impact === 'critical')
    .map(
      (violation) =>
        `${violation.impact} ${violation.id} (${violation.help}): ${violation.nodes
          .map((node) => JSON.stringify(node.target))
          .join(' ')}`,
    );
}
