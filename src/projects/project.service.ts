// Projects, their key pairs (one per mode) and, for operators, their M-Pesa accounts. A secret
// key is shown once, at creation or rotation, and kept sealed in the vault; rotating a mode's
// pair stops the old pair at once, or at the end of a stated grace (project.keys.ts). A
// disabled project's keys are refused.
import type { AccountView, ProjectView } from '../core/project.view';
import type { Database, Queryable } from '../db/database';
import { AppError } from '../errors';
import { newId } from '../ids';
import type { Signer } from '../security/signature';
import type { Vault } from '../security/vault';
import type { Mode } from '../core/scope';
import {
  findProject,
  findSigner,
  insertProject,
  listApiKeys,
  listProjects,
  listRetiringKeys,
  updateProject,
  type ApiKeyRow,
  type ProjectRow,
  type RetiringKeyRow,
} from './project.repository';
import { issueKeys as issueKeysWith, rollKeys } from './project.keys';
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
  /**
   * The same, on every instance, once `at` has come: the end of a rolled pair's grace. Best
   * effort (this process's timer); each instance's stream recheck ends what it misses.
   */
  revokeAt?: (authority: { publicKey: string }, at: Date) => void;
  clock?: () => Date;
  /** Signers are cached in this process and forgotten on every instance through it (src/bus/bus.cache.ts). */
  bus: Bus;
}

export function createProjectsService({
  db,
  vault,
  accounts,
  defaultMode,
  revoke = () => undefined,
  revokeAt = () => undefined,
  clock = () => new Date(),
  bus,
}: Deps) {
  // Read on every signed request: held here, forgotten everywhere when a key rotates or the
  // project is changed, before that change is answered; a retiring pair's entry ends with its grace.
  const signers = createInstanceCache<Signer>(bus, {
    name: 'signers',
    tagsOf: (publicKey, signer) => [`key:${publicKey}`, `project:${signer.projectId}`],
    validUntil: (signer) => signer.expiresAt,
    now: () => clock().getTime(),
  });
  const issueKeys = (q: Queryable, projectId: string, mode: Mode, at: Date) =>
    issueKeysWith(q, vault, projectId, mode, at);

  function toView(
    row: ProjectRow,
    keys: readonly ApiKeyRow[],
    accountViews: readonly AccountView[],
    retiring: readonly RetiringKeyRow[],
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
      retiringKeys: retiring
        .filter((candidate) => candidate.projectId === row.id)
        .map((candidate) => ({
          mode: candidate.mode as Mode,
          publicKey: candidate.publicKey,
          createdAt: candidate.createdAt.toISOString(),
          retiredAt: candidate.retiredAt.toISOString(),
          expiresAt: candidate.expiresAt.toISOString(),
        })),
      accounts: [...accountViews],
      disabledAt: row.disabledAt?.toISOString() ?? null,
      createdAt: row.createdAt.toISOString(),
    };
  }

  async function readSigner(publicKey: string): Promise<Signer | undefined> {
    const row = await findSigner(db, publicKey, clock());
    if (!row) return undefined;
    return {
      projectId: row.projectId,
      mode: row.mode,
      secretKey: vault.open(row.secretKeyEnc, apiKeySealedFor(row.projectId, row.mode)),
      disabled: row.disabledAt !== null,
      ...(row.expiresAt ? { expiresAt: row.expiresAt } : {}),
    };
  }

  async function viewOf(row: ProjectRow): Promise<ProjectView> {
    const [keys, accountViews, retiring] = await Promise.all([
      listApiKeys(db, [row.id]),
      accounts.viewsOf([row.id]),
      listRetiringKeys(db, [row.id], clock()),
    ]);
    return toView(row, keys, accountViews.get(row.id) ?? [], retiring);
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
      const [keys, accountViews, retiring] = await Promise.all([
        listApiKeys(db, ids),
        accounts.viewsOf(ids),
        listRetiringKeys(db, ids, clock()),
      ]);
      return rows.map((row) => toView(row, keys, accountViews.get(row.id) ?? [], retiring));
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

    /** `graceSeconds` 0 (the default): the old pair stops at once, with any earlier one of the mode still in its grace. */
    async rotateKeys(id: string, mode: Mode = defaultMode, graceSeconds = 0) {
      const row = await existing(id);
      const at = clock();
      const roll = await db.transaction((tx) =>
        rollKeys(tx, vault, { projectId: id, mode, graceSeconds, at }),
      );
      // Every instance forgets the pairs that stopped, and the one now in its grace (its entry
      // must carry when the grace ends), before the new pair is answered.
      const changed = [...roll.endedNow, ...(roll.previous ? [roll.previous.publicKey] : [])];
      await signers.forget(changed.map((publicKey) => `key:${publicKey}`));
      for (const publicKey of roll.endedNow) revoke({ publicKey });
      if (roll.previous && graceSeconds > 0)
        revokeAt({ publicKey: roll.previous.publicKey }, roll.previous.expiresAt);
      const { publicKey, secretKey } = roll.issued;
      return {
        project: await viewOf(row),
        mode,
        publicKey,
        secretKey,
        previous: roll.previous && {
          publicKey: roll.previous.publicKey,
          expiresAt: roll.previous.expiresAt.toISOString(),
        },
      };
    },

    async exists(id: string): Promise<boolean> {
      return (await findProject(db, id)) !== undefined;
    },

    /** Whether a project is disabled; undefined when there is no such project. */
    async stateOf(id: string): Promise<{ disabled: boolean; name: string } | undefined> {
      const row = await findProject(db, id);
      return row && { disabled: row.disabledAt !== null, name: row.name };
    },

    /** The project and mode a public key belongs to (the embeddable button's only credential); no secret is opened. */
    async ownerOfKey(publicKey: string): Promise<{ projectId: string; mode: Mode } | undefined> {
      const row = await findSigner(db, publicKey, clock());
      return row && { projectId: row.projectId, mode: row.mode as Mode };
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
