// Every query about dashboard users, their projects and their sessions, on both engines.
import type { Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { DashboardSession, DashboardUser } from '../db/database.types';

export type UserRow = Selectable<DashboardUser>;
export type SessionRow = Selectable<DashboardSession>;

export async function insertUser(q: Queryable, row: UserRow, projectIds: readonly string[]): Promise<void> {
  await q.run(q.qb.insertInto('DashboardUser').values(row));
  await setMemberships(q, row.id, projectIds, row.createdAt);
}

export async function setMemberships(
  q: Queryable,
  userId: string,
  projectIds: readonly string[],
  at: Date,
): Promise<void> {
  await q.run(q.qb.deleteFrom('DashboardMembership').where('userId', '=', userId));
  if (projectIds.length > 0) {
    await q.run(
      q.qb
        .insertInto('DashboardMembership')
        .values([...new Set(projectIds)].map((projectId) => ({ userId, projectId, createdAt: at }))),
    );
  }
}

export function updateUser(
  q: Queryable,
  id: string,
  patch: Partial<Pick<UserRow, 'name' | 'role' | 'passwordHash' | 'disabledAt'>>,
): Promise<UserRow | undefined> {
  return q.first(q.qb.updateTable('DashboardUser').set(patch).where('id', '=', id).returningAll());
}

export function findUserByEmail(q: Queryable, email: string): Promise<UserRow | undefined> {
  return q.first(q.qb.selectFrom('DashboardUser').selectAll().where('email', '=', email));
}

export function findUser(q: Queryable, id: string): Promise<UserRow | undefined> {
  return q.first(q.qb.selectFrom('DashboardUser').selectAll().where('id', '=', id));
}

export function listUsers(q: Queryable): Promise<UserRow[]> {
  return q.all(q.qb.selectFrom('DashboardUser').selectAll().orderBy('createdAt').orderBy('id'));
}

/**
 * Every operator, their rows locked until the transaction ends (PostgreSQL: FOR UPDATE, in id
 * order so that two callers never wait on each other; SQLite: its one writer already holds the
 * whole database). A transaction that checks "another operator remains" on these rows and then
 * demotes one cannot interleave with another doing the same: the second waits, then reads the
 * first one's outcome.
 */
export function lockOperators(tx: Queryable): Promise<Array<Pick<UserRow, 'id' | 'disabledAt'>>> {
  const query = tx.qb
    .selectFrom('DashboardUser')
    .select(['id', 'disabledAt'])
    .where('role', '=', 'operator')
    .orderBy('id');
  return tx.all(tx.engine === 'postgres' ? query.forUpdate() : query);
}

/** userId → the project ids it is a member of. */
export async function membershipsOf(
  q: Queryable,
  userIds: readonly string[],
): Promise<Map<string, string[]>> {
  const found = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return found;
  const rows = await q.all(
    q.qb
      .selectFrom('DashboardMembership')
      .select(['userId', 'projectId'])
      .where('userId', 'in', [...userIds])
      .orderBy('projectId'),
  );
  for (const row of rows) found.get(row.userId)?.push(row.projectId);
  return found;
}

export async function insertSession(q: Queryable, row: SessionRow): Promise<void> {
  await q.run(q.qb.insertInto('DashboardSession').values(row));
}

/** The session and its user, while both are valid at `now`. */
export function findLiveSession(
  q: Queryable,
  tokenHash: string,
  now: Date,
): Promise<(SessionRow & { role: string; email: string; name: string }) | undefined> {
  return q.first(
    q.qb
      .selectFrom('DashboardSession')
      .innerJoin('DashboardUser', 'DashboardUser.id', 'DashboardSession.userId')
      .selectAll('DashboardSession')
      .select(['DashboardUser.role', 'DashboardUser.email', 'DashboardUser.name'])
      .where('DashboardSession.tokenHash', '=', tokenHash)
      .where('DashboardSession.expiresAt', '>', now)
      .where('DashboardUser.disabledAt', 'is', null),
  );
}

export async function touchSession(
  q: Queryable,
  id: string,
  lastSeenAt: Date,
  expiresAt: Date,
): Promise<void> {
  await q.run(q.qb.updateTable('DashboardSession').set({ lastSeenAt, expiresAt }).where('id', '=', id));
}

/** Deletes the session of a token; resolves with its id, undefined when there was none. */
export async function deleteSession(q: Queryable, tokenHash: string): Promise<string | undefined> {
  const row = await q.first(
    q.qb.deleteFrom('DashboardSession').where('tokenHash', '=', tokenHash).returning('id'),
  );
  return row?.id;
}

export async function deleteUserSessions(q: Queryable, userId: string): Promise<void> {
  await q.run(q.qb.deleteFrom('DashboardSession').where('userId', '=', userId));
}

export function pruneSessions(q: Queryable, before: Date): Promise<number> {
  return q.run(q.qb.deleteFrom('DashboardSession').where('expiresAt', '<=', before));
}
