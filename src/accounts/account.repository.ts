// Every query about projects' M-Pesa accounts, on both engines. Deleted accounts are kept
// (soft delete): payments made through one still reconcile through it.
import type { Insertable, Selectable, Updateable } from 'kysely';
import type { Queryable } from '../db/database';
import type { MpesaAccount } from '../db/database.types';
import type { Environment } from '../core/scope';

export type AccountRow = Selectable<MpesaAccount>;

export async function insertAccount(q: Queryable, row: Insertable<MpesaAccount>): Promise<AccountRow> {
  return (await q.first(q.qb.insertInto('MpesaAccount').values(row).returningAll()))!;
}

/** A live (not deleted) account of the project among `environments`. */
export function findProjectAccount(
  q: Queryable,
  projectId: string,
  id: string,
  environments: readonly Environment[],
): Promise<AccountRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('MpesaAccount')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', projectId)
      .where('environment', 'in', [...environments])
      .where('deletedAt', 'is', null),
  );
}

/**
 * The account a create with this Idempotency-Key made in the project among `environments`
 * (one mode), deleted or not.
 */
export function findAccountByIdempotencyKey(
  q: Queryable,
  projectId: string,
  environments: readonly Environment[],
  idempotencyKey: string,
): Promise<AccountRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('MpesaAccount')
      .selectAll()
      .where('projectId', '=', projectId)
      .where('environment', 'in', [...environments])
      .where('idempotencyKey', '=', idempotencyKey),
  );
}

/** Any account by id, deleted ones included: what a payment made through it reconciles with. */
export function findAccount(q: Queryable, id: string): Promise<AccountRow | undefined> {
  return q.first(q.qb.selectFrom('MpesaAccount').selectAll().where('id', '=', id));
}

export function listProjectAccounts(
  q: Queryable,
  projectIds: readonly string[],
  environments?: readonly Environment[],
): Promise<AccountRow[]> {
  if (projectIds.length === 0) return Promise.resolve([]);
  let query = q.qb
    .selectFrom('MpesaAccount')
    .selectAll()
    .where('projectId', 'in', [...projectIds])
    .where('deletedAt', 'is', null);
  if (environments) query = query.where('environment', 'in', [...environments]);
  return q.all(query.orderBy('id', 'desc'));
}

export function findDefaultAccount(
  q: Queryable,
  projectId: string,
  environments: readonly Environment[],
): Promise<AccountRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('MpesaAccount')
      .selectAll()
      .where('projectId', '=', projectId)
      .where('environment', 'in', [...environments])
      .where('isDefault', '=', true)
      .where('deletedAt', 'is', null),
  );
}

export async function updateAccount(
  q: Queryable,
  id: string,
  patch: Omit<Updateable<MpesaAccount>, 'id' | 'projectId' | 'environment'>,
): Promise<AccountRow> {
  return (await q.first(q.qb.updateTable('MpesaAccount').set(patch).where('id', '=', id).returningAll()))!;
}

/** Makes no account of the project among `environments` the default (before another becomes it). */
export async function clearDefault(
  q: Queryable,
  projectId: string,
  environments: readonly Environment[],
  at: Date,
): Promise<void> {
  await q.run(
    q.qb
      .updateTable('MpesaAccount')
      .set({ isDefault: false, updatedAt: at })
      .where('projectId', '=', projectId)
      .where('environment', 'in', [...environments])
      .where('isDefault', '=', true),
  );
}

/** Every account of an environment, for the simulator's directory. */
export function listEnvironmentAccounts(q: Queryable, environment: Environment): Promise<AccountRow[]> {
  return q.all(
    q.qb
      .selectFrom('MpesaAccount')
      .selectAll()
      .where('environment', '=', environment)
      .where('deletedAt', 'is', null),
  );
}
