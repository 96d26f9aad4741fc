// One Daraja client per Daraja app (a consumer key on an environment), shared by every account
// and project that uses that app: one token cache and one refresh in flight per app, as Daraja
// wants (a new token may invalidate the previous one, docs/daraja.md §1).
// In-process: each instance keeps its own clients and tokens; Daraja issues each its own.
import { createHash } from 'node:crypto';
import type { Logger } from '../logger';
import type { Environment } from '../core/scope';
import { createMpesaService, type DarajaAppCredentials, type MpesaService } from './mpesa.service';

/** Apps remembered; past this the least recently used is dropped (a changed secret leaves its old app behind). */
const MAX_APPS = 1000;

export interface DarajaAppRef extends DarajaAppCredentials {
  environment: Environment;
}

/** Names an app without its secret: the key of its client, its pacer and its metrics. */
export const appKeyOf = (app: Pick<DarajaAppRef, 'environment' | 'consumerKey'>) =>
  `${app.environment}:${createHash('sha256').update(app.consumerKey).digest('hex').slice(0, 16)}`;

export interface DarajaApps {
  /** The client of `app`, made on first use; undefined when its environment has no base URL here (the simulator is off). */
  clientFor(app: DarajaAppRef): MpesaService | undefined;
  /** OAuth round trips of every app so far (the benchmark reports it). */
  oauthCallCount(): number;
}

interface Deps {
  baseUrls: Readonly<Record<Environment, string | undefined>>;
  timeoutMs: number;
  logger: Logger;
  /** Wraps each client made (the metrics count and time its calls). */
  observe?: (client: MpesaService) => MpesaService;
}

export function createDarajaApps(deps: Deps): DarajaApps {
  const clients = new Map<string, MpesaService>();
  return {
    clientFor(app) {
      const baseUrl = deps.baseUrls[app.environment];
      if (!baseUrl) return undefined;
      // The secret is part of the key: an account whose secret changed gets a new client (and token).
      const key = `${app.environment}\u0000${app.consumerKey}\u0000${createHash('sha256').update(app.consumerSecret).digest('hex')}`;
      let client = clients.get(key);
      if (client) {
        clients.delete(key);
      } else {
        const made = createMpesaService({ app, baseUrl, timeoutMs: deps.timeoutMs, logger: deps.logger });
        client = deps.observe ? deps.observe(made) : made;
        if (clients.size >= MAX_APPS) clients.delete(clients.keys().next().value as string);
      }
      clients.set(key, client);
      return client;
    },
    oauthCallCount: () => [...clients.values()].reduce((sum, client) => sum + client.oauthCallCount(), 0),
  };
}
