// The callback base URL, checked as Daraja will read it: a public https address, free of the
// words and hosts Safaricom's docs say are refused (docs/daraja.md §2). Whether a problem is a
// failure depends on who calls back: real Daraja (sandbox or production accounts, or the
// deployment's own outside simulator mode) or only this service's simulator.
// One rule set for three readers: the production start (src/config.ts refuses what fails here
// for the 'production' caller), GET /api/v1/diagnostics (src/diagnostics/diagnostics.callback-url.ts)
// and so the CLI's `doctor`. In the kernel because config.ts reads it.
import ipaddr from 'ipaddr.js';

/** Words Safaricom's docs warn against anywhere in a CallBackURL, in any case (docs/daraja.md §2). */
export const REFUSED_URL_WORDS = [
  'm-pesa',
  'mpesa',
  'safaricom',
  'exec',
  'exe',
  'cmd',
  'sql',
  'query',
] as const;
/** Public testers the docs say are usually blocked, "especially on production" (docs/daraja.md §2). */
export const BLOCKED_TESTER_HOSTS = ['ngrok', 'requestbin', 'mockbin'] as const;
/**
 * Tunnel services of the same kind as ngrok (our extension of Safaricom's list, docs/daraja.md
 * §2): a quick tunnel's address changes when it restarts, while Daraja keeps posting to the URL
 * a payment was started with.
 */
export const TUNNEL_HOST_SUFFIXES = [
  'loca.lt',
  'localtunnel.me',
  'trycloudflare.com',
  'serveo.net',
  'localhost.run',
  'lhr.life',
] as const;

/** Which rule a problem broke: the production start lets CALLBACK_URL_CHECK=warn waive all but https. */
export type CallbackUrlRule = 'unset' | 'malformed' | 'https' | 'public' | 'words' | 'tunnel' | 'case';

export interface CallbackUrlProblem {
  rule: CallbackUrlRule;
  status: 'warn' | 'fail';
  message: string;
  fix: string;
}

export interface CallbackUrlFacts {
  baseUrl: string;
  /** CALLBACK_BASE_URL was set (in simulator mode the local server is used when it is not). */
  configured: boolean;
  /** Who posts callbacks for this mode: 'production' or 'sandbox' Daraja, or the simulator only. */
  caller: 'production' | 'sandbox' | 'simulator';
}

/** What Daraja would refuse or never reach, each with the rule it broke; none: the URL is fine. */
export function callbackUrlProblems({ baseUrl, configured, caller }: CallbackUrlFacts): CallbackUrlProblem[] {
  const real = caller !== 'simulator';
  // Problems that only matter once Safaricom calls are warnings while the simulator is the caller.
  const serious = real ? 'fail' : 'warn';
  // Safaricom's FAQ asks for https and no testers "especially on production" (docs/daraja.md §2).
  const inProduction = caller === 'production' ? 'fail' : 'warn';
  const problem = (
    rule: CallbackUrlRule,
    status: CallbackUrlProblem['status'],
    message: string,
    fix: string,
  ): CallbackUrlProblem => ({ rule, status, message, fix });
  if (!configured) {
    if (!real) return [];
    return [
      problem(
        'unset',
        'fail',
        `CALLBACK_BASE_URL is not set, so Daraja is told to call ${baseUrl}, which Safaricom cannot reach`,
        'Set CALLBACK_BASE_URL to the public https:// address of this service, on your own domain',
      ),
    ];
  }
  const problems: CallbackUrlProblem[] = [];
  let url: URL;
  try {
    url = new URL(baseUrl);
  } catch {
    return [
      problem(
        'malformed',
        'fail',
        `CALLBACK_BASE_URL ${baseUrl} is not a URL`,
        'Set it to the public https:// address of this service',
      ),
    ];
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (url.protocol !== 'https:') {
    // The sandbox takes http; production requires https (docs/daraja.md §2).
    problems.push(
      problem(
        'https',
        inProduction,
        `CALLBACK_BASE_URL ${baseUrl} is not https://; Safaricom's production API requires https`,
        'Serve this service over TLS (a proxy with a certificate) and set CALLBACK_BASE_URL to its https:// address',
      ),
    );
  }
  if (!isPublicHost(host)) {
    problems.push(
      problem(
        'public',
        serious,
        `CALLBACK_BASE_URL points to ${host}, which Safaricom cannot reach from the internet`,
        'Use the public address (your own domain) that reaches this service',
      ),
    );
  }
  const lower = baseUrl.toLowerCase();
  const found: string[] = REFUSED_URL_WORDS.filter((word) => lower.includes(word));
  // "exec" contains "exe": name the longer word only.
  const words = found.filter((word) => !(word === 'exe' && found.includes('exec')));
  if (words.length > 0) {
    problems.push(
      problem(
        'words',
        serious,
        `CALLBACK_BASE_URL ${baseUrl} contains ${words.map((word) => `"${word}"`).join(', ')}: Safaricom's docs say URLs with M-Pesa, Safaricom, exe, exec, cmd, sql or query are refused (docs/daraja.md §2)`,
        'Use a host and path without those words, e.g. https://pay.yourshop.co.ke',
      ),
    );
  }
  const name = host.toLowerCase();
  const tester = BLOCKED_TESTER_HOSTS.find((word) => name.includes(word));
  const tunnel = TUNNEL_HOST_SUFFIXES.find((suffix) => name === suffix || name.endsWith(`.${suffix}`));
  if (tester || tunnel) {
    problems.push(
      problem(
        'tunnel',
        inProduction,
        tester
          ? `CALLBACK_BASE_URL is on ${host}: Safaricom's docs say public testers such as ngrok, mockbin and requestbin are usually blocked, especially in production (docs/daraja.md §2)`
          : `CALLBACK_BASE_URL is on ${host}, a tunnel service like ngrok: its address changes when the tunnel restarts, and Safaricom's docs say such testers are usually blocked (docs/daraja.md §2)`,
        'Use your own domain; while developing, `mpesa-bridge listen` forwards events to localhost without a tunnel',
      ),
    );
  }
  // new URL() lowercases the host, so look at the string as configured.
  const rawHost = /^[a-z]+:\/\/([^/:?#]+)/i.exec(baseUrl)?.[1] ?? '';
  if (rawHost !== rawHost.toLowerCase()) {
    problems.push(
      problem(
        'case',
        'warn',
        `CALLBACK_BASE_URL's host ${rawHost} has upper-case letters; Daraja refused such a URL (docs/daraja.md §2)`,
        `Write the host in lower case: ${rawHost.toLowerCase()}`,
      ),
    );
  }
  return problems;
}

function isPublicHost(host: string): boolean {
  const name = host.toLowerCase();
  if (
    name === 'localhost' ||
    name.endsWith('.localhost') ||
    name.endsWith('.local') ||
    name.endsWith('.internal')
  )
    return false;
  // A bare name (no dot) resolves on a local network only.
  if (!name.includes('.') && !ipaddr.isValid(name)) return false;
  if (!ipaddr.isValid(name)) return true;
  const address = ipaddr.process(name);
  return address.range() === 'unicast';
}
