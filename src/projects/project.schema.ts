import { z } from 'zod';

export const createProjectBody = z.strictObject({
  name: z.string().trim().min(1).max(100),
});

export const projectIdParams = z.object({ id: z.string().min(1).max(64) });
