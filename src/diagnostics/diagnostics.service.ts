// Diagnostics: the checks of a deployment only the service can make (its configuration, what
// its own request sees, its Daraja accounts, its webhook endpoints), for the asking key's
// project and mode. The CLI's `doctor` adds what only a client can see (reachability, clock).
import type { Config } from '../config';
import { normalizeIp } from '../core/callback-allowlist';
import type { Scope } from '../core/scope';
import type { CredentialChecks } from '../mpesa/mpesa.account';
import { callbackUrlFindings, type CallbackUrlFacts } from './diagnostics.callback-url';
import {
  allowlistFindings,
  credentialFindings,
  endpointFindings,
  modeFindings,
  trustProxyFindings,
  type EndpointHealth,
} from './diagnostics.checks';
import type { Diagnostics } from './diagnostics.schema';
import { c2bFindings, type C2bState } from './diagnostics.c2b';

/** What the asking request itself shows about the path between the caller and the service. */
export interface RequestFacts {
  forwardedHeaders: readonly string[];
  peer: string | undefined;
  source: string | undefined;
}

interface Deps {
  config: Config;
  accounts: CredentialChecks;
  /** The webhooks feature's endpoints of a scope; composition (service.ts) passes that service in. */
  endpoints: { list(scope: Scope): Promise<{ data: readonly EndpointHealth[] }> };
  /** The base URL Daraja is told when CALLBACK_BASE_URL is unset (this server, in simulator mode). */
  localUrl: string;
  /** The scope's accounts with C2B (the c2b feature's registrations); none when left out. */
  c2b?: { states(scope: Scope): Promise<readonly C2bState[]> };
}

export type DiagnosticsService = ReturnType<typeof createDiagnosticsService>;

export function createDiagnosticsService({ config, accounts, endpoints, localUrl, c2b }: Deps) {
  return {
    async run(scope: Scope, request: RequestFacts): Promise<Diagnostics> {
      const [credentials, { data: endpointViews }, c2bStates] = await Promise.all([
        accounts.credentialChecks(scope),
        endpoints.list(scope),
        c2b ? c2b.states(scope) : [],
      ]);
      // CALLBACK_BASE_URL is the deployment's: in a production deployment real Daraja calls it
      // whichever key asks, so it is judged as production's (never "the simulator is the caller").
      const caller: CallbackUrlFacts['caller'] =
        scope.mode === 'live' || config.mpesa.environment === 'production'
          ? 'production'
          : credentials.some((check) => check.environment === 'sandbox')
            ? 'sandbox'
            : 'simulator';
      const simulatorOnly = caller === 'simulator';
      const callbackBaseUrl = config.callbacks.baseUrl ?? localUrl;
      return {
        project: { id: scope.projectId, mode: scope.mode },
        service: {
          mpesaEnvironment: config.mpesa.environment,
          simulatorEnabled: config.simulator.enabled,
          callbackBaseUrl,
          signatureToleranceSeconds: config.signatureToleranceSeconds,
          time: new Date().toISOString(),
        },
        findings: [
          ...modeFindings(config.mpesa.environment, scope.mode),
          ...callbackUrlFindings({
            baseUrl: callbackBaseUrl,
            configured: config.callbacks.baseUrl !== undefined,
            caller,
          }),
          ...trustProxyFindings({
            trustProxy: config.trustProxy,
            forwardedHeaders: request.forwardedHeaders,
            peer: request.peer === undefined ? undefined : normalizeIp(request.peer),
            source: request.source === undefined ? undefined : normalizeIp(request.source),
            simulatorOnly,
          }),
          ...allowlistFindings(config.callbacks.allowedIps, simulatorOnly),
          ...credentialFindings(credentials, scope.mode),
          ...endpointFindings(endpointViews, scope.mode),
          ...c2bFindings(c2bStates),
        ],
      };
    },
  };
}
