// Every query about projects and their keys, on both engines.
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { Project } from '../db/database.types';

export type ProjectRow = Selectable<Project>;

export function insertProject(q: Queryable, row: Insertable<Project>): Promise<ProjectRow> {
  return q.first(q.qb.insertInto('Project').values(row).returningAll()) as Promise<ProjectRow>;
}

export function listProjects(q: Queryable): Promise<ProjectRow[]> {
  return q.all(q.qb.selectFrom('Project').selectAll().orderBy('createdAt', 'desc').orderBy('id', 'desc'));
}

/** Replaces the key pair; the row after, or undefined when there is no such project. */
export function replaceKeys(q: Queryable, id: string, keys: { publicKey: string; secretKeyEnc: string; keysRotatedAt: Date }): Promise<ProjectRow | undefined> {
  return q.first(q.qb.updateTable('Project').set(keys).where('id', '=', id).returningAll());
}

/** Read on every signed request: one lookup by the unique public key. */
export function findSigner(q: Queryable, publicKey: string): Promise<{ projectId: string; secretKeyEnc: string } | undefined> {
  return q.first(q.qb.selectFrom('Project').select(['id as projectId', 'secretKeyEnc']).where('publicKey', '=', publicKey));
}
