// Every query about Dynamic QR codes, on both engines.
import type { Insertable, Selectable } from 'kysely';
import type { Queryable } from '../db/database';
import type { DynamicQrCode } from '../db/database.types';
import type { Scope } from '../core/scope';

export type QrCodeRow = Selectable<DynamicQrCode>;

export async function insertQrCode(q: Queryable, row: Insertable<DynamicQrCode>): Promise<QrCodeRow> {
  return (await q.first(q.qb.insertInto('DynamicQrCode').values(row).returningAll()))!;
}

export function findProjectQrCode(q: Queryable, scope: Scope, id: string): Promise<QrCodeRow | undefined> {
  return q.first(
    q.qb
      .selectFrom('DynamicQrCode')
      .selectAll()
      .where('id', '=', id)
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode),
  );
}

export function findQrCodeByIdempotencyKey(q: Queryable, scope: Scope, idempotencyKey: string) {
  return q.first(
    q.qb
      .selectFrom('DynamicQrCode')
      .selectAll()
      .where('projectId', '=', scope.projectId)
      .where('mode', '=', scope.mode)
      .where('idempotencyKey', '=', idempotencyKey),
  );
}
