// Every query about accounts' C2B settings (C2bSetting), on both engines.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { C2bSetting } from '../db/database.types';

export type C2bSettingRow = Selectable<C2bSetting>;

export function findC2bSetting(q: Queryable, accountId: string): Promise<C2bSettingRow | undefined> {
  return q.first(q.qb.selectFrom('C2bSetting').selectAll().where('accountId', '=', accountId));
}

export function listProjectC2bSettings(q: Queryable, projectId: string): Promise<C2bSettingRow[]> {
  return q.all(
    q.qb.selectFrom('C2bSetting').selectAll().where('projectId', '=', projectId).orderBy('accountId'),
  );
}

/** The account's settings as given (a first switch-on inserts them, a later one replaces them). */
export async function saveC2bSetting(q: Queryable, row: Insertable<C2bSetting>): Promise<C2bSettingRow> {
  const { accountId: _accountId, createdAt: _createdAt, projectId: _projectId, ...changes } = row;
  return (await q.first(
    q.qb
      .insertInto('C2bSetting')
      .values(row)
      .onConflict((oc) => oc.column('accountId').doUpdateSet(changes))
      .returningAll(),
  ))!;
}

export async function updateC2bSetting(
  q: Queryable,
  accountId: string,
  patch: Omit<Updateable<C2bSetting>, 'accountId' | 'projectId'>,
): Promise<C2bSettingRow | undefined> {
  return q.first(q.qb.updateTable('C2bSetting').set(patch).where('accountId', '=', accountId).returningAll());
}
