// What the start says: where the service answers, where its reference is, which mode and
// database run, and where the admin token is kept when it was generated (its file, never the
// token itself). One log line for machines; in pretty mode also a short block for the person
// who just typed `npm start`.
import path from 'node:path';
import type { Config } from './config';
import { DOCS_PATH } from './openapi/openapi.routes';
import { DASHBOARD_PATH } from './operators/dashboard.pages';
import { adminTokenFile } from './security/master-key';

const MODE_LABELS = {
  simulator: 'simulator mode (the built-in Daraja simulator, no Safaricom account needed)',
  sandbox: "sandbox mode (Safaricom's Daraja sandbox)",
  production: 'production mode (live Daraja: real money)',
} as const;

export interface StartBanner {
  /** The structured fields of the start log line. */
  fields: Record<string, string>;
  /** The human block printed in pretty mode. */
  text: string;
}

/** A wildcard listen address is not an address to type into a browser. */
function browsableHost(host: string): string {
  if (host === '0.0.0.0' || host === '::' || host === '') return 'localhost';
  return host.includes(':') ? `[${host}]` : host;
}

export function startBanner(
  config: Config,
  running: { port: number; mpesaBaseUrl: string; metricsUrl?: string },
  cwd = process.cwd(),
): StartBanner {
  const url = `http://${browsableHost(config.host)}:${running.port}`;
  const docs = `${url}${DOCS_PATH}`;
  const dashboard = `${url}${DASHBOARD_PATH}/`;
  const database = config.databaseUrl.startsWith('file:') ? 'SQLite' : 'PostgreSQL';
  const environment = config.mpesa.environment;
  const tokenFile = adminTokenFile(config);
  const shownFile =
    tokenFile && !path.relative(cwd, tokenFile).startsWith('..') ? path.relative(cwd, tokenFile) : tokenFile;
  const lines = [
    '',
    `  mpesa-bridge is up: ${MODE_LABELS[environment]}, ${database}`,
    `    API:          ${url}`,
    `    Dashboard:    ${dashboard}`,
    `    Reference:    ${docs}`,
    tokenFile
      ? `    Admin token:  in ${shownFile} (for curl: ADMIN=$(cat ${shownFile}))`
      : '    Admin token:  the ADMIN_TOKEN you configured',
    `    Daraja:       ${running.mpesaBaseUrl}`,
    ...(running.metricsUrl ? [`    Metrics:      ${running.metricsUrl}`] : []),
    '',
  ];
  return {
    fields: {
      url,
      docs,
      dashboard,
      mode: environment,
      database: database.toLowerCase(),
      daraja: running.mpesaBaseUrl,
      ...(running.metricsUrl ? { metrics: running.metricsUrl } : {}),
      // Not "adminTokenFile": the logger redacts every field whose name says token.
      ...(tokenFile ? { adminCredentialsFile: tokenFile } : {}),
    },
    text: `${lines.join('\n')}\n`,
  };
}
