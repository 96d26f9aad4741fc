// Every query about projects and their API keys, on both engines.
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { ApiKey, Project, RetiringApiKey } from '../db/database.types';
import type { Mode } from '../core/scope';

export type ProjectRow = Selectable<Project>;
export type ApiKeyRow = Selectable<ApiKey>;
export type RetiringKeyRow = Selectable<RetiringApiKey>;

export function insertProject(q: Queryable, row: Insertable<Project>): Promise<ProjectRow> {
  return q.first(q.qb.insertInto('Project').values(row).returningAll()) as Promise<ProjectRow>;
}

export function findProject(q: Queryable, id: string): Promise<ProjectRow | undefined> {
  return q.first(q.qb.selectFrom('Project').selectAll().where('id', '=', id));
}

export function listProjects(q: Queryable): Promise<ProjectRow[]> {
  return q.all(q.qb.selectFrom('Project').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc'));
}

export function updateProject(
  q: Queryable,
  id: string,
  patch: { name?: string; disabledAt?: Date | null },
): Promise<ProjectRow | undefined> {
  return q.first(q.qb.updateTable('Project').set(patch).where('id', '=', id).returningAll());
}

/** The key pair of a project for a mode: a new one, or the old one replaced (keep it first with retireApiKey for a grace). */
export async function putApiKey(q: Queryable, key: Insertable<ApiKey>): Promise<void> {
  await q.run(
    q.qb
      .insertInto('ApiKey')
      .values(key)
      .onConflict((oc) =>
        oc.columns(['projectId', 'mode']).doUpdateSet({
          publicKey: key.publicKey,
          secretKeyEnc: key.secretKeyEnc,
          createdAt: key.createdAt,
        }),
      ),
  );
}

export function listApiKeys(q: Queryable, projectIds: readonly string[]): Promise<ApiKeyRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return q.all(
    q.qb
      .selectFrom('ApiKey')
      .selectAll()
      .where('projectId', 'in', [...projectIds])
      .orderBy('mode'),
  );
}

/** Keeps a replaced pair signing until `row.expiresAt` (a roll with a grace period). */
export async function retireApiKey(q: Queryable, row: Insertable<RetiringApiKey>): Promise<void> {
  await q.run(q.qb.insertInto('RetiringApiKey').values(row));
}

/**
 * Ends the retiring pairs of a project's mode: all of them, or only those already past their
 * grace at `at`. Answers the public keys of the ones that were still signing.
 */
export async function endRetiringKeys(
  q: Queryable,
  projectId: string,
  mode: Mode,
  at: Date,
  which: 'all' | 'expired',
): Promise<string[]> {
  const rows = await q.all(
    q.qb
      .selectFrom('RetiringApiKey')
      .select(['id', 'publicKey', 'expiresAt'])
      .where('projectId', '=', projectId)
      .where('mode', '=', mode),
  );
  const ending = which === 'all' ? rows : rows.filter((row) => row.expiresAt <= at);
  if (ending.length === 0) return [];
  await q.run(
    q.qb.deleteFrom('RetiringApiKey').where(
      'id',
      'in',
      ending.map((row) => row.id),
    ),
  );
  return ending.filter((row) => row.expiresAt > at).map((row) => row.publicKey);
}

/** The pairs of these projects still in their grace at `at`, soonest to stop first. */
export function listRetiringKeys(
  q: Queryable,
  projectIds: readonly string[],
  at: Date,
): Promise<RetiringKeyRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  return q.all(
    q.qb
      .selectFrom('RetiringApiKey')
      .selectAll()
      .where('projectId', 'in', [...projectIds])
      .where('expiresAt', '>', at)
      .orderBy('expiresAt'),
  );
}

export interface SignerRow {
  projectId: string;
  mode: Mode;
  secretKeyEnc: string;
  disabledAt: Date | null;
  /** Set for a replaced pair in its grace period: when it stops signing. */
  expiresAt?: Date;
}

/**
 * Read on every signed request: one lookup by the unique public key, with its project's state.
 * Only a key that is not current costs a second lookup, among the pairs still in their grace.
 */
export async function findSigner(q: Queryable, publicKey: string, at: Date): Promise<SignerRow | undefined> {
  const current = await q.first(
    q.qb
      .selectFrom('ApiKey')
      .innerJoin('Project', 'Project.id', 'ApiKey.projectId')
      .select(['ApiKey.projectId', 'ApiKey.mode', 'ApiKey.secretKeyEnc', 'Project.disabledAt'])
      .where('ApiKey.publicKey', '=', publicKey),
  );
  if (current) return current as SignerRow;
  return q.first(
    q.qb
      .selectFrom('RetiringApiKey')
      .innerJoin('Project', 'Project.id', 'RetiringApiKey.projectId')
      .select([
        'RetiringApiKey.projectId',
        'RetiringApiKey.mode',
        'RetiringApiKey.secretKeyEnc',
        'RetiringApiKey.expiresAt',
        'Project.disabledAt',
      ])
      .where('RetiringApiKey.publicKey', '=', publicKey)
      .where('RetiringApiKey.expiresAt', '>', at),
  ) as Promise<SignerRow | undefined>;
}
