// Projects and their key pairs. The secret key is shown once, at creation or rotation, and
// stored sealed under the master key; rotation replaces both keys, so the old pair stops.
import type { z } from 'zod';
import type { Database } from '../db/database';
import { AppError } from '../errors';
import { newId, randomKey } from '../ids';
import type { SecretBox } from '../security/secret-box';
import type { projectSchema } from './project.schema';
import { findSigner, insertProject, listProjects, replaceKeys, type ProjectRow } from './project.repository';

/** Typed by the documented response schema, so the mapper cannot drift from the OpenAPI document. */
export type ProjectView = z.output<typeof projectSchema>;

export interface Signer {
  projectId: string;
  secretKey: string;
}

export type ProjectsService = ReturnType<typeof createProjectsService>;

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

export function createProjectsService({ db, secrets }: { db: Database; secrets: SecretBox }) {
  return {
    async create(name: string): Promise<{ project: ProjectView; secretKey: string }> {
      const { publicKey, secretKey } = newKeyPair();
      const now = new Date();
      const row = await insertProject(db, { id: newId('prj', now), name, publicKey, secretKeyEnc: secrets.seal(secretKey), createdAt: now });
      return { project: toView(row), secretKey };
    },

    async list(): Promise<ProjectView[]> {
      return (await listProjects(db)).map(toView);
    },

    async rotateKeys(id: string): Promise<{ project: ProjectView; secretKey: string }> {
      const { publicKey, secretKey } = newKeyPair();
      const row = await replaceKeys(db, id, { publicKey, secretKeyEnc: secrets.seal(secretKey), keysRotatedAt: new Date() });
      if (!row) throw new AppError('project_not_found', `No project ${id}`);
      return { project: toView(row), secretKey };
    },

    /** The secret key for a public key, for signature checks; undefined when unknown. */
    async findSigner(publicKey: string): Promise<Signer | undefined> {
      const row = await findSigner(db, publicKey);
      return row ? { projectId: row.projectId, secretKey: secrets.open(row.secretKeyEnc) } : undefined;
    },
  };
}
