// The service-side checks of a deployment, as small pure functions over what the service
// knows (its configuration, the request that asked, its accounts' and endpoints' state).
// Each returns findings a person can act on: what is wrong, why it matters, what to change.
import ipaddr from 'ipaddr.js';
import type { CredentialCheck } from '../mpesa/mpesa.account';
import type { Mode } from '../core/scope';
import type { Finding } from './diagnostics.schema';

/** What these checks read of a webhook endpoint (the webhooks feature's view has it all). */
export interface EndpointHealth {
  id: string;
  url: string;
  enabled: boolean;
  disabledReason: string | null;
  failingSince: string | null;
}

const finding = (
  check: string,
  status: Finding['status'],
  message: string,
  fix: string | null = null,
): Finding => ({ check, status, message, fix });

export interface ProxyFacts {
  trustProxy: boolean | number | readonly string[];
  /** Names of the forwarding headers this request carried (x-forwarded-for, forwarded, x-real-ip). */
  forwardedHeaders: readonly string[];
  /** The socket's address: the proxy in front, or the client itself. */
  peer: string | undefined;
  /** The source Express settled on with TRUST_PROXY. */
  source: string | undefined;
  /** Callbacks come only from the simulator on this machine. */
  simulatorOnly: boolean;
}

/** TRUST_PROXY against what this very request shows: does the service see its callers' addresses? */
export function trustProxyFindings({
  trustProxy,
  forwardedHeaders,
  peer,
  source,
  simulatorOnly,
}: ProxyFacts): Finding[] {
  const check = 'trust_proxy';
  const trusted =
    trustProxy === true ||
    (typeof trustProxy === 'number' && trustProxy > 0) ||
    (Array.isArray(trustProxy) && trustProxy.length > 0);
  const headers = forwardedHeaders.join(', ');
  if (trustProxy === true) {
    return [
      finding(
        check,
        'warn',
        'TRUST_PROXY=true believes X-Forwarded-For from anyone: a caller can claim one of Safaricom’s addresses',
        'Set TRUST_PROXY to the number of proxies in front (usually 1) or their addresses',
      ),
    ];
  }
  if (!trusted && forwardedHeaders.length > 0) {
    return [
      finding(
        check,
        simulatorOnly ? 'warn' : 'fail',
        `This request came through a proxy (${headers}) but TRUST_PROXY is off: the service sees every client, and every callback, as ${peer ?? 'the proxy'}, so Safaricom's callbacks are refused as not on the allowlist`,
        'Set TRUST_PROXY to the number of proxies in front of the service (usually 1) or their addresses',
      ),
    ];
  }
  if (trusted && forwardedHeaders.length === 0 && peer !== undefined && !isLoopback(peer)) {
    return [
      finding(
        check,
        'warn',
        `TRUST_PROXY is set, but this request reached the service directly from ${peer}: anyone who can do the same can claim any address with X-Forwarded-For`,
        'Let only the proxy reach the service’s port (a firewall or a private network), or unset TRUST_PROXY if there is no proxy',
      ),
    ];
  }
  const seen = trusted
    ? `this request’s source is ${source ?? 'unknown'}${peer && peer !== source ? ` through ${peer}` : ''}`
    : `this request came directly from ${peer ?? 'an unknown address'}`;
  return [finding(check, 'ok', `TRUST_PROXY is ${trusted ? JSON.stringify(trustProxy) : 'off'}; ${seen}`)];
}

export function allowlistFindings(ips: readonly string[], simulatorOnly: boolean): Finding[] {
  const check = 'callback_allowlist';
  if (ips.length === 0) {
    return [
      finding(
        check,
        'fail',
        'CALLBACK_ALLOWED_IPS is empty: every callback is refused, and payments settle only by STK Query, late',
        'Unset CALLBACK_ALLOWED_IPS for Safaricom’s known addresses, or list the addresses callbacks come from',
      ),
    ];
  }
  const local = ips.filter((ip) => !ipaddr.isValid(ip) || ipaddr.process(ip).range() !== 'unicast');
  if (!simulatorOnly && local.length > 0) {
    return [
      finding(
        check,
        'warn',
        `CALLBACK_ALLOWED_IPS allows ${local.join(', ')}, which Safaricom never calls from`,
        'Keep only the addresses Safaricom posts from (unset the variable for the known list)',
      ),
    ];
  }
  return [
    finding(
      check,
      'ok',
      `${ips.length} callback source address${ips.length === 1 ? '' : 'es'} allowed${simulatorOnly ? ' (the simulator on this machine)' : ''}`,
    ),
  ];
}

export function credentialFindings(checks: readonly CredentialCheck[], mode: Mode): Finding[] {
  const check = 'daraja_credentials';
  if (checks.length === 0) {
    return [
      finding(
        check,
        mode === 'live' ? 'fail' : 'warn',
        `No M-Pesa account serves ${mode} mode: ${mode} payments are refused (mpesa_account_missing)`,
        `Add one with POST /api/v1/mpesa-accounts using the ${mode} keys (environment ${mode === 'live' ? 'production' : 'sandbox or simulator'})`,
      ),
    ];
  }
  return checks.map((result) => {
    const which = result.accountId ? `${result.name} (${result.accountId})` : result.name;
    if (result.accepted) return finding(check, 'ok', `Daraja's ${result.environment} accepts ${which}`);
    if (result.code === 'mpesa_credentials_rejected') {
      const fix = result.accountId
        ? `Check the consumer key and secret in the app on developer.safaricom.co.ke, then PATCH /api/v1/mpesa-accounts/${result.accountId}`
        : 'Check MPESA_CONSUMER_KEY and MPESA_CONSUMER_SECRET against the app on developer.safaricom.co.ke';
      return finding(
        check,
        'fail',
        `Daraja's ${result.environment} refused the consumer key and secret of ${which}`,
        fix,
      );
    }
    if (result.code === 'mpesa_unavailable') {
      return finding(
        check,
        'fail',
        `Daraja's ${result.environment} could not be reached for ${which}: ${result.message ?? ''}`.trim(),
        'Check that this server can reach Daraja over HTTPS (firewall, outbound proxy, DNS); try again in a minute',
      );
    }
    return finding(check, 'fail', `${which}: ${result.message ?? result.code ?? 'not accepted'}`, null);
  });
}

export function endpointFindings(endpoints: readonly EndpointHealth[], mode: Mode): Finding[] {
  const check = 'webhook_endpoint';
  if (endpoints.length === 0) {
    return [
      finding(
        check,
        mode === 'live' ? 'warn' : 'ok',
        `No ${mode} webhook endpoint: your server hears of payments only by asking${mode === 'test' ? ' (or through `mpesa-bridge listen` while developing)' : ''}`,
        mode === 'live'
          ? 'Register one: mpesa-bridge webhooks create --url https://your.server/webhooks/mpesa'
          : null,
      ),
    ];
  }
  return endpoints.map((endpoint) => {
    if (!endpoint.enabled) {
      // Disabled by the service (410, or failing for WEBHOOK_DISABLE_AFTER) is a failure; by its owner, a choice to recall.
      return finding(
        check,
        endpoint.disabledReason ? 'fail' : 'warn',
        `${endpoint.url} (${endpoint.id}) is disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}: its events wait, pending`,
        `Fix the receiver, then enable it: PATCH /api/v1/webhook-endpoints/${endpoint.id} {"enabled": true}`,
      );
    }
    if (endpoint.failingSince) {
      return finding(
        check,
        'warn',
        `${endpoint.url} (${endpoint.id}) has failed every delivery since ${endpoint.failingSince}; it is disabled after WEBHOOK_DISABLE_AFTER`,
        `See what it answers: mpesa-bridge events list, then mpesa-bridge events get <event id>`,
      );
    }
    return finding(check, 'ok', `${endpoint.url} (${endpoint.id}) is enabled and answering`);
  });
}

function isLoopback(address: string): boolean {
  return ipaddr.isValid(address) && ipaddr.process(address).range() === 'loopback';
}
