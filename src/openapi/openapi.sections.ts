// The registry: every feature's part of the API reference, in the order the reference shows
// them. A new feature adds its `*.openapi.ts` section here; the route-coverage test
// (tests/openapi) fails while a route the app serves is missing from the document.
import type { Config } from '../config';
import { projectsApi } from '../projects/project.openapi';
import { realtimeApi } from '../realtime/realtime.openapi';
import { testPaymentsApi } from '../test-payments/test-payment.openapi';
import { transactionsApi } from '../transactions/transaction.openapi';
import type { ApiSection } from '../core/openapi.types';
import { systemApi } from './system.openapi';
import { eventsApi } from '../webhooks/event.openapi';
import { webhooksApi } from '../webhooks/webhook.openapi';
import { accountsApi } from '../accounts/account.openapi';
import { vaultApi } from '../vault/vault.openapi';
import { diagnosticsApi } from '../diagnostics/diagnostics.openapi';
import { dashboardApi } from '../operators/dashboard.openapi';
import { statsApi } from '../stats/stats.openapi';

export function apiSections(config: Pick<Config, 'amount'>): ApiSection[] {
  return [
    transactionsApi(config.amount),
    testPaymentsApi(config.amount),
    accountsApi,
    realtimeApi,
    webhooksApi,
    eventsApi,
    statsApi,
    diagnosticsApi,
    projectsApi,
    dashboardApi,
    vaultApi,
    systemApi,
  ];
}
