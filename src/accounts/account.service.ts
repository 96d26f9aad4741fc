// A project's M-Pesa accounts: register (checked with an OAuth call at once), change, delete,
// pick the default; and, for payments, which Daraja account pays a push and answers its query.
// Credentials are sealed in the vault, bound to their account and field, and opened only for
// the call that needs them. A project with no account of a mode uses the deployment's own
// MPESA_* account when that account is of the same mode.
import { createHash } from 'node:crypto';
import type { Config } from '../config';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError, refuseOtherBody } from '../errors';
import { newId } from '../ids';
import type { DarajaApps } from '../mpesa/mpesa.apps';
import type { CredentialCheck, DarajaAccount, PayoutAccount } from '../mpesa/mpesa.account';
import { environmentsOf, modeOf, type Environment, type Mode, type Scope } from '../core/scope';
import type { Vault, SealedFor } from '../security/vault';
import type { SimulatorDirectory } from '../simulator/simulator.directory';
import {
  clearDefault,
  findAccount,
  findAccountByIdempotencyKey,
  findDefaultAccount,
  findProjectAccount,
  insertAccount,
  listEnvironmentAccounts,
  listProjectAccounts,
  updateAccount,
  type AccountRow,
} from './account.repository';
import type { CreateAccountInput, UpdateAccountInput } from './account.schema';
import { toAccountView } from './account.view';
import { verdictOf } from './account.check';
import { accountSealedFor } from '../security/sealed-for';
import type { Bus } from '../bus/bus';
import { createInstanceCache } from '../bus/bus.cache';
import { certificateProblem } from '../core/certificate';
import type { Initiator } from '../mpesa/mpesa.security-credential';

export { accountSealedFor };
export type { DarajaAccount };

/** One account's answer to the diagnostics' credential check; never a credential. */
export type { CredentialCheck };

interface Deps {
  db: Database;
  vault: Vault;
  apps: DarajaApps;
  /** The deployment's own account (MPESA_*). */
  deploymentAccount: Config['mpesa'];
  /** The account each initiate pays into is cached here and forgotten on every instance through it. */
  bus: Bus;
}

export type AccountsService = ReturnType<typeof createAccountsService>;

export function createAccountsService({ db, vault, apps, deploymentAccount, bus }: Deps) {
  // Read by every initiate: held here, forgotten everywhere when the project's accounts change
  // (added, changed, made default, disabled, deleted), before that change is answered.
  const paying = createInstanceCache<DarajaAccount>(bus, {
    name: 'paying-accounts',
    tagsOf: (key) => [`project:${key.split(' ')[0]}`],
  });
  const changed = (projectId: string) => paying.forget([`project:${projectId}`]);
  const fallbackInitiator: Initiator = {
    name: deploymentAccount.initiatorName ?? null,
    password: deploymentAccount.initiatorPassword ?? null,
    credential: null,
    certificate: null,
  };
  const fallback: DarajaAccount = {
    id: null,
    environment: deploymentAccount.environment,
    consumerKey: deploymentAccount.consumerKey,
    consumerSecret: deploymentAccount.consumerSecret,
    shortcode: deploymentAccount.shortcode,
    passkey: deploymentAccount.passkey,
    tillNumber: deploymentAccount.tillNumber ?? null,
    payBill: deploymentAccount.shortcodeIsPayBill,
  };

  const seal = (row: Pick<AccountRow, 'projectId' | 'id'>, purpose: SealedFor['purpose'], value: string) =>
    vault.seal(value, accountSealedFor(row, purpose));
  const open = (row: AccountRow, purpose: SealedFor['purpose'], sealed: string) =>
    vault.open(sealed, accountSealedFor(row, purpose));

  function opened(row: AccountRow): DarajaAccount {
    return {
      id: row.id,
      environment: row.environment as Environment,
      consumerKey: open(row, 'consumer-key', row.consumerKeyEnc),
      consumerSecret: open(row, 'consumer-secret', row.consumerSecretEnc),
      shortcode: row.shortcode,
      passkey: open(row, 'passkey', row.passkeyEnc),
      tillNumber: row.tillNumber,
      payBill: row.tillNumber === null,
    };
  }

  const view = (row: AccountRow) =>
    toAccountView(row, {
      consumerKey: open(row, 'consumer-key', row.consumerKeyEnc),
      consumerSecret: open(row, 'consumer-secret', row.consumerSecretEnc),
      passkey: open(row, 'passkey', row.passkeyEnc),
      ...openedInitiatorSecrets(row),
    });

  function openedInitiatorSecrets(row: AccountRow) {
    return {
      initiatorPassword: row.initiatorPasswordEnc
        ? open(row, 'initiator-password', row.initiatorPasswordEnc)
        : null,
      initiatorCredential: row.initiatorCredentialEnc
        ? open(row, 'initiator-credential', row.initiatorCredentialEnc)
        : null,
    };
  }

  const withInitiator = (row: AccountRow): PayoutAccount => ({ ...opened(row), initiator: initiatorOf(row) });

  function initiatorOf(row: AccountRow): Initiator {
    const secrets = openedInitiatorSecrets(row);
    return {
      name: row.initiatorName,
      password: secrets.initiatorPassword,
      credential: secrets.initiatorCredential,
      certificate: row.securityCertificate,
    };
  }

  /** A certificate that does not parse is refused when saved, not at the first call that needs it. */
  function refuseBadCertificate(pem: string | null | undefined): void {
    if (pem === null || pem === undefined) return;
    const reason = certificateProblem(pem);
    if (reason)
      throw new AppError('mpesa_certificate_invalid', `securityCertificate ${reason}`, {
        field: 'securityCertificate',
        reason,
      });
  }

  /**
   * Daraja must accept the app's consumer key and secret before they are kept (an OAuth call).
   * The simulator learns its apps from the accounts themselves, as Daraja's portal creates an app
   * and its keys together: saving a simulator account registers its app, so there is nothing to ask.
   */
  async function check(environment: Environment, consumerKey: string, consumerSecret: string): Promise<void> {
    const client = apps.clientFor({ environment, consumerKey, consumerSecret });
    if (!client) {
      throw new AppError(
        'validation_failed',
        'environment: the simulator is not enabled on this deployment (SIMULATOR_ENABLED)',
        {
          fields: [
            { field: 'environment', in: 'body', message: 'the simulator is not enabled on this deployment' },
          ],
        },
      );
    }
    if (environment === 'simulator') return;
    try {
      await client.checkCredentials();
    } catch (error) {
      if (error instanceof AppError && error.code === 'mpesa_credentials_rejected') {
        throw new AppError(
          'mpesa_account_rejected',
          `Daraja's ${environment} refused this consumer key and secret: check them in the app on developer.safaricom.co.ke`,
          {
            environment,
            ...error.details,
          },
        );
      }
      throw error;
    }
  }

  function refuseOtherMode(mode: Mode, environment: Environment) {
    if (modeOf(environment) === mode) return;
    const message =
      mode === 'live'
        ? 'a live key manages production accounts; use a test key for simulator and sandbox accounts'
        : 'a test key manages simulator and sandbox accounts; use a live key for production accounts';
    throw new AppError('validation_failed', `environment: ${message}`, {
      fields: [{ field: 'environment', in: 'body', message }],
    });
  }

  async function find({ projectId, mode }: Scope, id: string): Promise<AccountRow> {
    const row = await findProjectAccount(db, projectId, id, environmentsOf(mode));
    if (!row)
      throw new AppError('mpesa_account_not_found', `No ${mode} M-Pesa account ${id} in this project`);
    return row;
  }

  /**
   * A create's repeat with the same Idempotency-Key (an SDK's send after a copy of it raced
   * ahead) answers the account the first one made, masked as ever; the same key with another
   * body is refused. Without a key every create adds an account.
   */
  async function replay({ projectId, mode }: Scope, idempotencyKey: string, requestHash: string) {
    const existing = await findAccountByIdempotencyKey(db, projectId, environmentsOf(mode), idempotencyKey);
    if (!existing) return undefined;
    refuseOtherBody(existing.requestHash, requestHash, { accountId: existing.id });
    return { account: view(existing) };
  }

  async function create(scope: Scope, input: CreateAccountInput, idempotencyKey?: string) {
    const { projectId, mode } = scope;
    // The hash covers the credentials too (a repeat must carry the same ones); it is kept, the
    // credentials are not, and a SHA-256 of a high-entropy secret does not give it back.
    const requestHash = idempotencyKey
      ? createHash('sha256').update(JSON.stringify(input)).digest('hex')
      : null;
    if (idempotencyKey) {
      const replayed = await replay(scope, idempotencyKey, requestHash!);
      if (replayed) return replayed;
    }
    refuseOtherMode(mode, input.environment);
    refuseBadCertificate(input.securityCertificate);
    await check(input.environment, input.consumerKey, input.consumerSecret);
    const now = new Date();
    const id = newId('acc', now);
    const keys = { projectId, id };
    const insert = () =>
      db.transaction(async (tx) => {
        const first = (await listProjectAccounts(tx, [projectId], environmentsOf(mode))).length === 0;
        const isDefault = first || input.isDefault === true;
        if (isDefault) await clearDefault(tx, projectId, environmentsOf(mode), now);
        return insertAccount(tx, {
          id,
          projectId,
          name: input.name,
          environment: input.environment,
          shortcode: input.shortcode,
          tillNumber: input.tillNumber ?? null,
          consumerKeyEnc: seal(keys, 'consumer-key', input.consumerKey),
          consumerSecretEnc: seal(keys, 'consumer-secret', input.consumerSecret),
          passkeyEnc: seal(keys, 'passkey', input.passkey),
          initiatorName: input.initiatorName ?? null,
          initiatorCredentialEnc: input.initiatorCredential
            ? seal(keys, 'initiator-credential', input.initiatorCredential)
            : null,
          initiatorPasswordEnc: input.initiatorPassword
            ? seal(keys, 'initiator-password', input.initiatorPassword)
            : null,
          securityCertificate: input.securityCertificate ?? null,
          isDefault,
          idempotencyKey: idempotencyKey ?? null,
          requestHash,
          createdAt: now,
          updatedAt: now,
        });
      });
    let row;
    try {
      row = await insert();
    } catch (error) {
      // Two creates with one key and one body at once: the other one's insert won (the unique
      // index is per environment, and one body names one environment).
      if (idempotencyKey && isUniqueViolation(error))
        return (await replay(scope, idempotencyKey, requestHash!))!;
      throw error;
    }
    await changed(projectId);
    return { account: view(row) };
  }

  async function update(scope: Scope, id: string, input: UpdateAccountInput) {
    const { projectId, mode } = scope;
    const current = await find(scope, id);
    const disabledAfter = input.disabled ?? current.disabledAt !== null;
    if (input.isDefault && disabledAfter)
      throw new AppError(
        'validation_failed',
        'isDefault: a disabled account cannot be the default; enable it first',
        {
          fields: [
            {
              field: 'isDefault',
              in: 'body',
              message: 'the account is disabled: send disabled: false with it',
            },
          ],
        },
      );
    refuseBadCertificate(input.securityCertificate);
    if (input.consumerKey !== undefined || input.consumerSecret !== undefined) {
      const { consumerKey, consumerSecret } = opened(current);
      await check(
        current.environment as Environment,
        input.consumerKey ?? consumerKey,
        input.consumerSecret ?? consumerSecret,
      );
    }
    const now = new Date();
    const row = await db.transaction(async (tx) => {
      if (input.isDefault) await clearDefault(tx, projectId, environmentsOf(mode), now);
      return updateAccount(tx, id, {
        name: input.name,
        shortcode: input.shortcode,
        tillNumber: input.tillNumber,
        consumerKeyEnc:
          input.consumerKey === undefined ? undefined : seal(current, 'consumer-key', input.consumerKey),
        consumerSecretEnc:
          input.consumerSecret === undefined
            ? undefined
            : seal(current, 'consumer-secret', input.consumerSecret),
        passkeyEnc: input.passkey === undefined ? undefined : seal(current, 'passkey', input.passkey),
        initiatorName: input.initiatorName,
        initiatorCredentialEnc:
          input.initiatorCredential === undefined
            ? undefined
            : input.initiatorCredential === null
              ? null
              : seal(current, 'initiator-credential', input.initiatorCredential),
        initiatorPasswordEnc:
          input.initiatorPassword === undefined
            ? undefined
            : input.initiatorPassword === null
              ? null
              : seal(current, 'initiator-password', input.initiatorPassword),
        securityCertificate: input.securityCertificate,
        // Disabling the default leaves the mode without one: initiates that name no account use
        // the deployment's own of this mode, or are refused (mpesa_account_missing).
        isDefault: input.disabled === true ? false : input.isDefault,
        disabledAt:
          input.disabled === undefined ? undefined : input.disabled ? (current.disabledAt ?? now) : null,
        updatedAt: now,
      });
    });
    await changed(projectId);
    return { account: view(row) };
  }

  /** Soft delete: payments made through it still reconcile through it. */
  async function remove(scope: Scope, id: string): Promise<void> {
    await find(scope, id);
    await updateAccount(db, id, { deletedAt: new Date(), isDefault: false, updatedAt: new Date() });
    await changed(scope.projectId);
  }

  /** A live OAuth call with the account's credentials: the verdict, never a throw for Daraja's refusal. */
  async function checkNow(scope: Scope, id: string) {
    const row = await find(scope, id);
    const account = opened(row);
    const client = apps.clientFor(account);
    if (!client)
      throw new AppError(
        'validation_failed',
        'the simulator is not enabled on this deployment (SIMULATOR_ENABLED)',
      );
    const started = Date.now();
    const outcome = await client.renewToken().then(
      () => ({ ok: true }) as const,
      (error: unknown) => ({ ok: false, error }) as const,
    );
    return verdictOf(
      { id: row.id, environment: row.environment as Environment },
      outcome,
      new Date(),
      Date.now() - started,
    );
  }

  return {
    create,
    update,
    remove,
    check: checkNow,
    get: async (scope: Scope, id: string) => ({ account: view(await find(scope, id)) }),
    list: async ({ projectId, mode }: Scope) => ({
      data: (await listProjectAccounts(db, [projectId], environmentsOf(mode))).map(view),
    }),
    /** Every account of these projects, masked, by project (the operator's project list). */
    async viewsOf(projectIds: readonly string[]): Promise<Map<string, ReturnType<typeof view>[]>> {
      const byProject = new Map<string, ReturnType<typeof view>[]>();
      for (const row of await listProjectAccounts(db, projectIds))
        byProject.set(row.projectId, [...(byProject.get(row.projectId) ?? []), view(row)]);
      return byProject;
    },

    /** The account an initiate pays into: the one it names, else the project's default of its mode, else the deployment's. */
    async forPayment(scope: Scope, accountId: string | undefined): Promise<DarajaAccount> {
      const { projectId, mode } = scope;
      const account = await paying.get(`${projectId} ${mode} ${accountId ?? ''}`, async () => {
        if (accountId) {
          const named = await find(scope, accountId);
          if (named.disabledAt)
            throw new AppError(
              'mpesa_account_disabled',
              `M-Pesa account ${accountId} is disabled: name another, or enable it again`,
            );
          return opened(named);
        }
        const chosen = await findDefaultAccount(db, projectId, environmentsOf(mode));
        if (chosen) return opened(chosen);
        return modeOf(fallback.environment) === mode ? fallback : undefined;
      });
      if (account) return account;
      throw new AppError(
        'mpesa_account_missing',
        `This project has no ${mode} M-Pesa account, and this deployment's own account is for ${modeOf(fallback.environment)} mode: add one with POST /api/v1/mpesa-accounts`,
      );
    },

    /**
     * The account an initiator call (Transaction Status) goes through, with its initiator opened:
     * the one named, else the scope's default, else the deployment's (as for payments).
     */
    async forInitiator(
      scope: Scope,
      accountId: string | undefined,
    ): Promise<{ account: DarajaAccount; initiator: Initiator }> {
      const { projectId, mode } = scope;
      const row = accountId
        ? await find(scope, accountId)
        : await findDefaultAccount(db, projectId, environmentsOf(mode));
      if (row) return { account: opened(row), initiator: initiatorOf(row) };
      if (modeOf(fallback.environment) === mode) return { account: fallback, initiator: fallbackInitiator };
      throw new AppError(
        'mpesa_account_missing',
        `This project has no ${mode} M-Pesa account, and this deployment's own account is for ${modeOf(fallback.environment)} mode: add one with POST /api/v1/mpesa-accounts`,
      );
    },

    /**
     * The projects' simulator accounts, as the simulator's directory: their apps get tokens and
     * their shortcodes are checked against their own passkeys and tills.
     */
    simulatorDirectory(): SimulatorDirectory {
      const accountsNow = async () =>
        (await listEnvironmentAccounts(db, 'simulator')).map((row) => ({
          ...opened(row),
          initiator: initiatorOf(row),
        }));
      return {
        isApp: async (key, secret) =>
          (await accountsNow()).some(
            (account) => account.consumerKey === key && account.consumerSecret === secret,
          ),
        async merchant(shortcode, consumerKey) {
          // The app's own accounts only: another project's account with this shortcode (its
          // passkey, its tills) is another merchant to Daraja.
          const mine = (await accountsNow()).filter(
            (account) => account.shortcode === shortcode && account.consumerKey === consumerKey,
          );
          if (mine.length === 0) return undefined;
          return {
            passkey: mine[0]!.passkey,
            tills: mine.flatMap((account) => (account.tillNumber ? [account.tillNumber] : [])),
            // An account with a till is a till's Head Office number, not a PayBill.
            payBill: mine.every((account) => account.payBill),
            initiators: mine.flatMap(({ initiator }) =>
              initiator.name && initiator.password
                ? [{ name: initiator.name, password: initiator.password }]
                : [],
            ),
          };
        },
      };
    },

    /**
     * Whether Daraja accepts each account a payment of this scope can use: the project's own of
     * its mode, and the deployment's when it is of that mode. A cached token counts (it was
     * issued for these credentials within the hour); otherwise one OAuth call per app.
     */
    async credentialChecks({ projectId, mode }: Scope): Promise<CredentialCheck[]> {
      const rows = (await listProjectAccounts(db, [projectId], environmentsOf(mode))).filter(
        (row) => row.disabledAt === null,
      );
      const candidates = [
        ...rows.map((row) => ({ account: opened(row), name: row.name })),
        ...(modeOf(fallback.environment) === mode
          ? [{ account: fallback, name: "the deployment's own (MPESA_*)" }]
          : []),
      ];
      return Promise.all(
        candidates.map(async ({ account, name }): Promise<CredentialCheck> => {
          const base = { accountId: account.id, name, environment: account.environment };
          const client = apps.clientFor(account);
          if (!client)
            return {
              ...base,
              accepted: false,
              code: 'simulator_disabled',
              message: 'the simulator is not enabled on this deployment (SIMULATOR_ENABLED)',
            };
          try {
            await client.authorize();
            return { ...base, accepted: true };
          } catch (error) {
            if (error instanceof AppError)
              return { ...base, accepted: false, code: error.code, message: error.message };
            throw error;
          }
        }),
      );
    },

    /** The account a payout pays from: the one it names, else the project's default of its mode, else the deployment's. */
    async forPayout(scope: Scope, accountId: string | undefined): Promise<PayoutAccount> {
      const { projectId, mode } = scope;
      if (accountId) return withInitiator(await find(scope, accountId));
      const chosen = await findDefaultAccount(db, projectId, environmentsOf(mode));
      if (chosen) return withInitiator(chosen);
      if (modeOf(fallback.environment) === mode) return { ...fallback, initiator: fallbackInitiator };
      throw new AppError(
        'mpesa_account_missing',
        `This project has no ${mode} M-Pesa account, and this deployment's own account is for ${modeOf(fallback.environment)} mode: add one with POST /api/v1/mpesa-accounts`,
      );
    },

    /** The account a stored payout was paid from (deleted ones too): its Transaction Status goes there. */
    async forStoredPayout(accountId: string | null): Promise<PayoutAccount> {
      if (accountId === null) return { ...fallback, initiator: fallbackInitiator };
      const row = await findAccount(db, accountId);
      if (!row) throw new Error(`account ${accountId} of a stored payout is missing`);
      return withInitiator(row);
    },

    /** An account by id, deleted ones too, without its credentials: whose C2B URL a confirmation came to. */
    async c2bAccountOf(accountId: string) {
      const row = await findAccount(db, accountId);
      if (!row) return undefined;
      return {
        id: row.id,
        projectId: row.projectId,
        name: row.name,
        environment: row.environment as Environment,
        shortcode: row.shortcode,
        tillNumber: row.tillNumber,
        deleted: row.deletedAt !== null,
      };
    },

    /** The account a payment was made through (deleted ones too): its STK Query goes there. */
    async forTransaction(accountId: string | null): Promise<DarajaAccount> {
      if (accountId === null) return fallback;
      const row = await findAccount(db, accountId);
      if (!row) throw new Error(`account ${accountId} of a stored payment is missing`);
      return opened(row);
    },
  };
}
