// Every query about projects and their API keys, on both engines.
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { ApiKey, Project } from '../db/database.types';
import type { Mode } from '../core/scope';

export type ProjectRow = Selectable<Project>;
export type ApiKeyRow = Selectable<ApiKey>;

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

/** The key pair of a project for a mode: a new one, or the old one replaced (the old pair stops at once). */
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

export interface SignerRow {
  projectId: string;
  mode: Mode;
  secretKeyEnc: string;
  disabledAt: Date | null;
}

/** Read on every signed request: one lookup by the unique public key, with its project's state. */
export function findSigner(q: Queryable, publicKey: string): Promise<SignerRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('ApiKey')
      .innerJoin('Project', 'Project.id', 'ApiKey.projectId')
      .select(['ApiKey.projectId', 'ApiKey.mode', 'ApiKey.secretKeyEnc', 'Project.disabledAt'])
      .where('ApiKey.publicKey', '=', publicKey),
  ) as Promise<SignerRow | undefined>;
}
