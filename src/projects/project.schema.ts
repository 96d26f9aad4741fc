import { z } from 'zod';
import { expecting, text } from '../validation';

const NAME = '1–100 characters';
const PROJECT_ID = 'a project id (prj_…, at most 64 characters)';

export const createProjectBody = z.strictObject({
  name: text(NAME).trim().min(1, expecting(NAME)).max(100, expecting(NAME)).meta({ description: 'Shown to operators only.', examples: ['My shop'] }),
});

export const projectIdParams = z.object({
  id: text(PROJECT_ID).min(1, expecting(PROJECT_ID)).max(64, expecting(PROJECT_ID)).meta({ examples: ['prj_0mbq3k2a1c4d5e6f7a8b9c0d1e2f3'] }),
});

// Responses: the service's views are typed by these, and the OpenAPI document is generated
// from them; `id` names the component in the document.
export const projectSchema = z
  .object({
    id: z.string().meta({ examples: ['prj_0mbq3k2a1c4d5e6f7a8b9c0d1e2f3'] }),
    name: z.string().meta({ examples: ['My shop'] }),
    publicKey: z.string().meta({ description: 'Sent as `X-Api-Key` on signed requests.', examples: ['pk_Jx2…'] }),
    createdAt: z.iso.datetime().meta({ examples: ['2025-01-01T08:00:00.000Z'] }),
    keysRotatedAt: z.iso.datetime().nullable().meta({ examples: [null] }),
  })
  .meta({ id: 'Project', description: 'A merchant project and its public key (never its secret).' });

export const projectWithSecretSchema = z
  .object({
    project: projectSchema,
    secretKey: z.string().meta({
      description: 'Signs requests (X-Signature). Shown only in this answer: store it now.',
      examples: ['sk_Qm9…'],
    }),
  })
  .meta({ id: 'ProjectWithSecret' });

export const projectListSchema = z.object({ data: z.array(projectSchema).meta({ description: 'Newest first.' }) }).meta({ id: 'ProjectList' });
