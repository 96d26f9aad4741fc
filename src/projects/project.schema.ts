import { z } from 'zod';
import { expecting, text } from '../validation';
import { MODES } from '../core/scope';
import { projectSchema } from '../core/project.view';
import { MAX_GRACE_SECONDS } from './project.keys';

export { projectSchema };

const NAME = '1–100 characters';
const PROJECT_ID = 'a project id (prj_…, at most 64 characters)';
const GRACE = `a whole number of seconds from 0 to ${MAX_GRACE_SECONDS} (7 days)`;

const name = text(NAME)
  .trim()
  .min(1, expecting(NAME))
  .max(100, expecting(NAME))
  .meta({ description: 'Shown to operators only.', examples: ['My shop'] });
const mode = z
  .enum(MODES, expecting('test or live'))
  .meta({ description: '`test` keys reach simulator and sandbox accounts, `live` keys production ones.' });

export const createProjectBody = z.strictObject({ name });

export const updateProjectBody = z
  .strictObject({
    name: name.optional(),
    disabled: z.boolean(expecting('true or false')).optional().meta({
      description: "A disabled project's keys are refused (`project_disabled`) until it is enabled again.",
    }),
  })
  .refine((body) => Object.keys(body).length > 0, 'must change at least one field');

export const rotateKeysBody = z
  .strictObject({
    mode: mode
      .optional()
      .meta({ description: "Which pair to replace; the deployment's default mode when left out." }),
    graceSeconds: z
      .int(expecting(GRACE))
      .min(0, expecting(GRACE))
      .max(MAX_GRACE_SECONDS, expecting(GRACE))
      .default(0)
      .meta({
        description:
          'How long the old pair keeps working beside the new one, so you can deploy the new pair without downtime. ' +
          '0 (the default) stops it at once, together with any earlier pair of this mode still in a grace period: use 0 when a key leaked.',
        examples: [86400],
      }),
  })
  .default({ graceSeconds: 0 });

export const projectIdParams = z.object({
  id: text(PROJECT_ID)
    .min(1, expecting(PROJECT_ID))
    .max(64, expecting(PROJECT_ID))
    .meta({ examples: ['prj_0mbq3k2a1c4d5e6f7a8b9c0d1e2f3'] }),
});

// Responses: the service's views are typed by these, and the OpenAPI document is generated
// from them; `id` names the component in the document.
export const projectWithSecretSchema = z
  .object({
    project: projectSchema,
    secretKey: z.string().meta({
      description:
        "The secret key of the deployment's default mode (the pair of `project.publicKey`). Shown only in this answer: store it now.",
      examples: ['sk_test_Qm9…'],
    }),
    secretKeys: z.object({ test: z.string(), live: z.string() }).meta({
      description: 'Both secret keys, by mode. Shown only here.',
      examples: [{ test: 'sk_test_Qm9…', live: 'sk_live_Zt4…' }],
    }),
  })
  .meta({ id: 'ProjectWithSecret' });

export const rotatedKeysSchema = z
  .object({
    project: projectSchema,
    mode,
    publicKey: z.string().meta({ examples: ['pk_live_Jx2…'] }),
    secretKey: z.string().meta({
      description: 'Shown only in this answer: store it now.',
      examples: ['sk_live_Qm9…'],
    }),
    previous: z
      .object({
        publicKey: z.string(),
        expiresAt: z.iso.datetime().meta({
          description: 'When the old pair stops working: now without a grace period, else its end.',
        }),
      })
      .nullable()
      .meta({ description: 'The pair replaced; null when the mode had none.' }),
  })
  .meta({ id: 'RotatedKeys' });

export const projectResponseSchema = z.object({ project: projectSchema }).meta({ id: 'ProjectResponse' });
export const projectListSchema = z
  .object({ data: z.array(projectSchema).meta({ description: 'Newest first.' }) })
  .meta({ id: 'ProjectList' });
