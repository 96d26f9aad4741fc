// Test and live mode. A project has a key pair for each: test keys reach its simulator and
// sandbox accounts, live keys its production accounts, and each sees only its own mode's
// payments, events and webhook endpoints. The mode of an account follows from its environment.
import type { Request } from 'express';

export const MODES = ['test', 'live'] as const;
export type Mode = (typeof MODES)[number];

export const ENVIRONMENTS = ['simulator', 'sandbox', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

export const modeOf = (environment: Environment): Mode => (environment === 'production' ? 'live' : 'test');

export const environmentsOf = (mode: Mode): readonly Environment[] =>
  mode === 'live' ? ['production'] : ['simulator', 'sandbox'];

/** Key prefixes say the mode: pk_test_…, sk_live_… */
export const keyPrefixes = (mode: Mode) => ({ public: `pk_${mode}`, secret: `sk_${mode}` });

/** What a signed request may see: one project, one mode (the key it was signed with). */
export interface Scope {
  projectId: string;
  mode: Mode;
}

/** What a signed request may see: its project, in the mode of the key that signed it. */
export function scopeOf(req: Request): Scope {
  return { projectId: req.project!.id, mode: req.project!.mode };
}
