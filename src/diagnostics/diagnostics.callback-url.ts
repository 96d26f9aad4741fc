// The callback_url finding of GET /api/v1/diagnostics: the kernel's rules (src/core/callback-url.ts,
// docs/daraja.md §2), worded as findings; in simulator mode an unset URL is fine.
import { callbackUrlProblems, type CallbackUrlFacts } from '../core/callback-url';
import type { Finding } from './diagnostics.schema';

export type { CallbackUrlFacts };

const CHECK = 'callback_url';
const finding = (status: Finding['status'], message: string, fix: string | null): Finding => ({
  check: CHECK,
  status,
  message,
  fix,
});

export function callbackUrlFindings(facts: CallbackUrlFacts): Finding[] {
  const { baseUrl, configured, caller } = facts;
  const real = caller !== 'simulator';
  if (!configured && !real) {
    return [
      finding(
        'ok',
        `Callbacks come from the built-in simulator to ${baseUrl}; nothing reaches Safaricom in this mode`,
        null,
      ),
    ];
  }
  const problems = callbackUrlProblems(facts);
  if (problems.length > 0)
    return problems.map((problem) => finding(problem.status, problem.message, problem.fix));
  return [
    finding(
      'ok',
      real
        ? `Daraja posts callbacks to ${baseUrl}/api/v1/callbacks/…`
        : `${baseUrl} (set for going live; the simulator is the caller in this mode)`,
      null,
    ),
  ];
}
