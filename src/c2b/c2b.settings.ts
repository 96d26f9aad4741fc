// C2B on an M-Pesa account (issue 19 item 1): switching it on registers this service's own
// confirmation and validation URLs with Daraja, with the account's C2B version and default
// response type, through the account's Daraja client (src/mpesa). A refused registration is
// explained (c2bRegistrationError) and remembered for `doctor`. The URLs carry a fresh random
// token, kept only as its hash, and replace the stored one only once Daraja took them.
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { modeOf, type Environment, type Scope } from '../core/scope';
import { c2bTokenHash, c2bUrls, isC2bToken, newC2bToken } from '../core/c2b-path';
import type { DarajaAccount } from '../mpesa/mpesa.account';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import type { C2bResponseType, C2bVersion } from '../mpesa/mpesa.service';
import type { C2bAccount } from '../payments/c2b.receive';
import { accountSealedFor } from '../security/sealed-for';
import type { Vault } from '../security/vault';
import { newWebhookSecret } from '../security/webhook-signing';
import {
  findC2bSetting,
  listProjectC2bSettings,
  saveC2bSetting,
  updateC2bSetting,
  type C2bSettingRow,
} from './c2b.repository';
import type { C2bRules } from './c2b.rules';
import type { C2bSettingView, EnableC2bInput } from './c2b.schema';

/** What the accounts feature tells about an account, without its credentials (composition wires it). */
export interface C2bAccountFacts {
  id: string;
  projectId: string;
  name: string;
  environment: Environment;
  shortcode: string;
  tillNumber: string | null;
  deleted: boolean;
}

export interface C2bAccountPort {
  /** The account of the scope, opened for a Daraja call; mpesa_account_not_found otherwise. */
  forPayment(scope: Scope, accountId: string): Promise<DarajaAccount>;
  /** Any account by id, deleted ones too. */
  c2bAccountOf(accountId: string): Promise<C2bAccountFacts | undefined>;
}

/** Validation as a confirmation's route applies it: the rules, and the merchant's endpoint. */
export interface ValidationSetup {
  enabled: boolean;
  rules: C2bRules;
  endpoint: { url: string; secret: string } | null;
}

/** Whose URL a C2B call came to. */
export type C2bTarget =
  | { kind: 'unknown' }
  | { kind: 'disabled'; account: C2bAccount; reason: 'c2b_disabled' | 'account_deleted' }
  | { kind: 'enabled'; account: C2bAccount; responseType: C2bResponseType; validation: ValidationSetup };

interface Deps {
  db: Database;
  vault: Vault;
  accounts: C2bAccountPort;
  apps: DarajaApps;
  /** Where Daraja is told to post (CALLBACK_BASE_URL, or this server in simulator mode). */
  callbackBaseUrl: string;
  /** Refuses a validation URL we must not call (the webhook URL rules); resolves with it normalised. */
  checkUrl: (url: string) => Promise<string>;
  validationTimeoutMs: number;
}

const NO_RULES: C2bRules = {
  billReferencePattern: null,
  billReferences: null,
  minAmount: null,
  maxAmount: null,
};

export type C2bSettings = ReturnType<typeof createC2bSettings>;

export function createC2bSettings({
  db,
  vault,
  accounts,
  apps,
  callbackBaseUrl,
  checkUrl,
  validationTimeoutMs,
}: Deps) {
  const sealedFor = (row: { projectId: string; accountId: string }) =>
    accountSealedFor({ projectId: row.projectId, id: row.accountId }, 'c2b-validation-secret');
  const rulesOf = (row: C2bSettingRow): C2bRules =>
    row.validationRules
      ? { ...NO_RULES, ...(JSON.parse(row.validationRules) as Partial<C2bRules>) }
      : NO_RULES;

  function view(accountId: string, row: C2bSettingRow | undefined): C2bSettingView {
    const rules = row ? rulesOf(row) : NO_RULES;
    return {
      accountId,
      enabled: row?.enabled ?? false,
      version: (row?.version as C2bVersion | undefined) ?? null,
      responseType: (row?.responseType as C2bResponseType | undefined) ?? null,
      registeredAt: row?.registeredAt?.toISOString() ?? null,
      lastError:
        row?.lastErrorCode && row.lastErrorAt
          ? {
              code: row.lastErrorCode,
              message: row.lastErrorMessage ?? '',
              darajaErrorCode: row.lastDarajaErrorCode,
              at: row.lastErrorAt.toISOString(),
            }
          : null,
      validation: {
        enabled: row?.validationEnabled ?? false,
        ...rules,
        url: row?.validationUrl ?? null,
        timeoutMs: validationTimeoutMs,
      },
    };
  }

  /** Daraja's answer to our URLs; a refusal is remembered (doctor shows it) and thrown. */
  async function register(
    account: DarajaAccount & { id: string },
    scope: Scope,
    input: EnableC2bInput,
    token: string,
  ) {
    const client = apps.clientFor(account);
    if (!client)
      throw new AppError(
        'mpesa_unavailable',
        'This account is on the simulator, which is not enabled on this deployment',
        {
          reason: 'simulator_disabled',
        },
      );
    try {
      await client.registerC2bUrls({
        shortcode: account.shortcode,
        version: input.version,
        responseType: input.responseType,
        ...c2bUrls(callbackBaseUrl, account.id, token),
      });
    } catch (error) {
      if (error instanceof AppError) {
        const now = new Date();
        const failure = {
          lastErrorCode: error.code,
          lastErrorMessage: error.message,
          lastDarajaErrorCode:
            typeof error.details?.darajaErrorCode === 'string' ? error.details.darajaErrorCode : null,
          lastErrorAt: now,
          updatedAt: now,
        };
        const updated = await updateC2bSetting(db, account.id, failure);
        if (!updated)
          await saveC2bSetting(db, {
            accountId: account.id,
            projectId: scope.projectId,
            enabled: false,
            version: input.version,
            responseType: input.responseType,
            createdAt: now,
            ...failure,
          });
      }
      throw error;
    }
  }

  /** Switches C2B on (again): validation URL checked, URLs registered, then the settings kept. */
  async function enable(scope: Scope, accountId: string, input: EnableC2bInput) {
    const account = await accounts.forPayment(scope, accountId);
    const current = await findC2bSetting(db, accountId);
    const validation = input.validation ?? null;
    const url = validation?.url ? await checkUrl(validation.url) : null;
    const token = newC2bToken();
    await register({ ...account, id: accountId }, scope, input, token);
    // A new endpoint gets a new secret, shown once; the same endpoint keeps its secret.
    const keepSecret = url !== null && current?.validationUrl === url && current.validationSecretEnc !== null;
    const secret = url === null || keepSecret ? undefined : newWebhookSecret();
    const now = new Date();
    const keys = { projectId: scope.projectId, accountId };
    const row = await saveC2bSetting(db, {
      ...keys,
      enabled: true,
      version: input.version,
      responseType: input.responseType,
      tokenHash: c2bTokenHash(token),
      registeredAt: now,
      lastErrorCode: null,
      lastErrorMessage: null,
      lastDarajaErrorCode: null,
      lastErrorAt: null,
      validationEnabled: validation !== null,
      validationRules: validation
        ? JSON.stringify({
            billReferencePattern: validation.billReferencePattern ?? null,
            billReferences: validation.billReferences ?? null,
            minAmount: validation.minAmount ?? null,
            maxAmount: validation.maxAmount ?? null,
          } satisfies C2bRules)
        : null,
      validationUrl: url,
      validationSecretEnc: secret
        ? vault.seal(secret, sealedFor(keys))
        : keepSecret
          ? current!.validationSecretEnc
          : null,
      createdAt: current?.createdAt ?? now,
      updatedAt: now,
    });
    return { c2b: view(accountId, row), ...(secret ? { validationSecret: secret } : {}) };
  }

  /** Switches C2B off: the URLs stay with Daraja, and what arrives on them is stored as refused. */
  async function disable(scope: Scope, accountId: string) {
    await accounts.forPayment(scope, accountId);
    const row = await updateC2bSetting(db, accountId, { enabled: false, updatedAt: new Date() });
    return { c2b: view(accountId, row) };
  }

  async function get(scope: Scope, accountId: string) {
    await accounts.forPayment(scope, accountId);
    return { c2b: view(accountId, await findC2bSetting(db, accountId)) };
  }

  /**
   * Whose URL this is: the account its token vouches for, and whether it takes C2B now. A null
   * token: one checked when the call arrived (the sweep of stored confirmations).
   */
  async function target(accountId: string, token: string | null): Promise<C2bTarget> {
    const row = await findC2bSetting(db, accountId);
    if (!row || (token !== null && !isC2bToken(token, row.tokenHash))) return { kind: 'unknown' };
    const facts = await accounts.c2bAccountOf(accountId);
    if (!facts || facts.projectId !== row.projectId) return { kind: 'unknown' };
    const account: C2bAccount = {
      id: facts.id,
      projectId: facts.projectId,
      mode: modeOf(facts.environment),
      shortcode: facts.shortcode,
      tillNumber: facts.tillNumber,
    };
    if (facts.deleted) return { kind: 'disabled', account, reason: 'account_deleted' };
    if (!row.enabled) return { kind: 'disabled', account, reason: 'c2b_disabled' };
    const endpoint =
      row.validationUrl && row.validationSecretEnc
        ? { url: row.validationUrl, secret: vault.open(row.validationSecretEnc, sealedFor(row)) }
        : null;
    return {
      kind: 'enabled',
      account,
      responseType: row.responseType as C2bResponseType,
      validation: { enabled: row.validationEnabled, rules: rulesOf(row), endpoint },
    };
  }

  /** Every account of the scope's project with C2B settings, for diagnostics (accounts of the scope's mode only). */
  async function states(scope: Scope) {
    const rows = await listProjectC2bSettings(db, scope.projectId);
    const found = await Promise.all(
      rows.map(async (row) => ({ row, facts: await accounts.c2bAccountOf(row.accountId) })),
    );
    return found
      .filter(({ facts }) => facts && !facts.deleted && modeOf(facts.environment) === scope.mode)
      .map(({ row, facts }) => ({
        ...view(row.accountId, row),
        name: facts!.name,
        environment: facts!.environment,
      }));
  }

  return { enable, disable, get, target, states };
}
