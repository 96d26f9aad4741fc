// Projects and their key pairs. The secret key is shown once, at creation or rotation, and
// stored sealed under the master key; rotation replaces both keys, so the old pair stops.
import type { z } from 'zod';
import type { Db } from '../db/db.client';
import type { PaymentStore } from '../db/payment-store';
import { AppError } from '../errors';
import { newId, randomKey } from '../ids';
import type { SecretBox } from '../security/secret-box';
import type { projectSchema } from './project.schema';

/** Typed by the documented response schema, so the mapper cannot drift from the OpenAPI document. */
export type ProjectView = z.output<typeof projectSchema>;

export interface Signer {
  projectId: string;
  secretKey: string;
}

export type ProjectsService = ReturnType<typeof createProjectsService>;

interface ProjectRow {
  id: string;
  name: string;
  publicKey: string;
  createdAt: Date;
  keysRotatedAt: Date | null;
}

function toView(row: ProjectRow): ProjectView {
  return {
    id: row.id,
    name: row.name,
    publicKey: row.publicKey,
    createdAt: row.createdAt.toISOString(),
    keysRotatedAt: row.keysRotatedAt?.toISOString() ?? null,
  };
}

const newKeyPair = () => ({ publicKey: randomKey('pk', 18), secretKey: randomKey('sk', 32) });

export function createProjectsService({ db, store, secrets }: { db: Db; store: PaymentStore; secrets: SecretBox }) {
  return {
    async create(name: string): Promise<{ project: ProjectView; secretKey: string }> {
      const { publicKey, secretKey } = newKeyPair();
      const row = await db.project.create({
        data: { id: newId('prj'), name, publicKey, secretKeyEnc: secrets.seal(secretKey) },
      });
      return { project: toView(row), secretKey };
    },

    async list(): Promise<ProjectView[]> {
      const rows = await db.project.findMany({ orderBy: { createdAt: 'desc' } });
      return rows.map(toView);
    },

    async rotateKeys(id: string): Promise<{ project: ProjectView; secretKey: string }> {
      const { publicKey, secretKey } = newKeyPair();
      const { count } = await db.project.updateMany({
        where: { id },
        data: { publicKey, secretKeyEnc: secrets.seal(secretKey), keysRotatedAt: new Date() },
      });
      if (count === 0) throw new AppError('project_not_found', `No project ${id}`);
      const row = await db.project.findUniqueOrThrow({ where: { id } });
      return { project: toView(row), secretKey };
    },

    /** The secret key for a public key, for signature checks; undefined when unknown. */
    async findSigner(publicKey: string): Promise<Signer | undefined> {
      // Read on every signed request, so it takes the store's fast path.
      const row = await store.findSigner(publicKey);
      return row ? { projectId: row.projectId, secretKey: secrets.open(row.secretKeyEnc) } : undefined;
    },
  };
}
