// Projects, their key pairs (one per mode) and, for operators, their M-Pesa accounts. A secret
// key is shown once, at creation or rotation, and kept sealed in the vault; rotating a mode's
// pair stops the old pair at once. A disabled project's keys are refused.
import type { AccountView, ProjectView } from '../core/project.view';
import type { Database, Queryable } from '../db/database';
import { AppError } from '../errors';
import { newId, randomKey } from '../ids';
import type { Signer } from '../security/signature';
import type { Vault } from '../security/vault';
import { keyPrefixes, type Mode } from '../core/scope';
import {
  findProject,
  findSigner,
  insertProject,
  listApiKeys,
  listProjects,
  putApiKey,
  updateProject,
  type ApiKeyRow,
  type ProjectRow,
} from './project.repository';
import { apiKeySealedFor } from '../security/sealed-for';
import type { Bus } from '../bus/bus';
import { createInstanceCache } from '../bus/bus.cache';

export { apiKeySealedFor };

/** Typed by the documented response schema, so the mapper cannot drift from the OpenAPI document. */
export type { ProjectView };

export type { Signer };

export type ProjectsService = ReturnType<typeof createProjectsService>;

interface Deps {
  db: Database;
  vault: Vault;
  /** The accounts feature's masked views by project; composition (service.ts) passes that service in. */
  accounts: { viewsOf(projectIds: readonly string[]): Promise<Map<string, AccountView[]>> };
  /** The mode of the deployment's own account: the pair `publicKey`/`secretKey` answer with. */
  defaultMode: Mode;
  /**
   * Ends, on every instance, the open connections a key pair or a project opened, once it
   * stops (src/realtime/revocations.ts): each HTTP request checks its key anyway, a stream
   * only at its handshake.
   */
  revoke?: (authority: { publicKey: string } | { projectId: string }) => void;
  /** Signers are cached in this process and forgotten on every instance through it (src/bus/bus.cache.ts). */
  bus: Bus;
}

export function createProjectsService({
  db,
  vault,
  accounts,
  defaultMode,
  revoke = () => undefined,
  bus,
}: Deps) {
  // Read on every signed request: held here, forgotten everywhere when a key rotates or the
  // project is changed, before that change is answered.
  const signers = createInstanceCache<Signer>(bus, {
    name: 'signers',
    tagsOf: (publicKey, signer) => [`key:${publicKey}`, `project:${signer.projectId}`],
  });

  async function issueKeys(q: Queryable, projectId: string, mode: Mode, at: Date) {
    const prefixes = keyPrefixes(mode);
    const publicKey = randomKey(prefixes.public, 18);
    const secretKey = randomKey(prefixes.secret, 32);
    await putApiKey(q, {
      id: newId('key', at),
      projectId,
      mode,
      publicKey,
      secretKeyEnc: vault.seal(secretKey, apiKeySealedFor(projectId, mode)),
      createdAt: at,
    });
    return { publicKey, secretKey };
  }

  function toView(
    row: ProjectRow,
    keys: readonly ApiKeyRow[],
    accountViews: readonly AccountView[],
  ): ProjectView {
    const key = (mode: Mode) => {
      const found = keys.find((candidate) => candidate.projectId === row.id && candidate.mode === mode);
      return found ? { publicKey: found.publicKey, createdAt: found.createdAt.toISOString() } : null;
    };
    return {
      id: row.id,
      name: row.name,
      publicKey: key(defaultMode)?.publicKey ?? null,
      keys: { test: key('test'), live: key('live') },
      accounts: [...accountViews],
      disabledAt: row.disabledAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async function readSigner(publicKey: string): Promise<Signer | undefined> {
    const row = await findSigner(db, publicKey);
    if (!row) return undefined;
    return {
      projectId: row.projectId,
      mode: row.mode,
      secretKey: vault.open(row.secretKeyEnc, apiKeySealedFor(row.projectId, row.mode)),
      disabled: row.disabledAt !== null,
    };
  }

  async function viewOf(row: ProjectRow): Promise<ProjectView> {
    return toView(row, await listApiKeys(db, [row.id]), (await accounts.viewsOf([row.id])).get(row.id) ?? []);
  }

  async function existing(id: string): Promise<ProjectRow> {
    const row = await findProject(db, id);
    if (!row) throw new AppError('project_not_found', `No project ${id}`);
    return row;
  }

  return {
    async create(name: string) {
      const now = new Date();
      const id = newId('prj', now);
      const { row, secrets } = await db.transaction(async (tx) => {
        const created = await insertProject(tx, { id, name, createdAt: now });
        const test = await issueKeys(tx, id, 'test', now);
        const live = await issueKeys(tx, id, 'live', now);
        return { row: created, secrets: { test: test.secretKey, live: live.secretKey } };
      });
      return { project: await viewOf(row), secretKey: secrets[defaultMode], secretKeys: secrets };
    },

    async list(): Promise<ProjectView[]> {
      const rows = await listProjects(db);
      const ids = rows.map((row) => row.id);
      const [keys, accountViews] = await Promise.all([listApiKeys(db, ids), accounts.viewsOf(ids)]);
      return rows.map((row) => toView(row, keys, accountViews.get(row.id) ?? []));
    },

    async update(id: string, input: { name?: string; disabled?: boolean }) {
      await existing(id);
      const row = await updateProject(db, id, {
        name: input.name,
        disabledAt: input.disabled === undefined ? undefined : input.disabled ? new Date() : null,
      });
      // Enabled again, disabled or renamed: no instance may go on with the state before.
      await signers.forget([`project:${id}`]);
      if (input.disabled === true) revoke({ projectId: id });
      return { project: await viewOf(row!) };
    },

    async rotateKeys(id: string, mode: Mode = defaultMode) {
      const row = await existing(id);
      const { previous, issued } = await db.transaction(async (tx) => ({
        previous: (await listApiKeys(tx, [id])).find((key) => key.mode === mode),
        issued: await issueKeys(tx, id, mode, new Date()),
      }));
      if (previous) {
        // The old key stops on every instance before the new one is answered.
        await signers.forget([`key:${previous.publicKey}`]);
        revoke({ publicKey: previous.publicKey });
      }
      const { publicKey, secretKey } = issued;
      return { project: await viewOf(row), mode, publicKey, secretKey };
    },

    async exists(id: string): Promise<boolean> {
      return (await findProject(db, id)) !== undefined;
    },

    /** Whether a project is disabled; undefined when there is no such project. */
    async stateOf(id: string): Promise<{ disabled: boolean } | undefined> {
      const row = await findProject(db, id);
      return row && { disabled: row.disabledAt !== null };
    },

    /** The secret key for a public key, for signature checks; undefined when unknown. */
    findSigner(publicKey: string): Promise<Signer | undefined> {
      return signers.get(publicKey, () => readSigner(publicKey));
    },

    /**
     * As findSigner, read from the database now (and the cache corrected): the periodic recheck
     * of open streams, which must see a change whose forget never arrived.
     */
    currentSigner(publicKey: string): Promise<Signer | undefined> {
      return signers.refresh(publicKey, () => readSigner(publicKey));
    },
  };
}
