// zod at the edge: every failure becomes one `validation_failed` error naming the fields.
import type { z } from 'zod';
import { AppError } from './errors';

export function parseOrThrow<S extends z.ZodType>(schema: S, input: unknown): z.infer<S> {
  const result = schema.safeParse(input ?? {});
  if (result.success) return result.data;
  const fields = result.error.issues.map((issue) => ({
    field: issue.path.join('.') || '(body)',
    message: issue.message,
  }));
  const first = fields[0]!;
  throw new AppError('validation_failed', `${first.field}: ${first.message}`, { fields });
}
