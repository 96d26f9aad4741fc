// What a dashboard session may act on. The merchant API takes it in place of a signature:
// the project in X-Project-Id and the mode in X-Mode, checked against the user's projects on
// every request, so a member never reaches another project's data whatever URL it types.
// The operator API (projects, users, the vault) takes an operator's session in place of the
// admin token.
//
// Where the money goes is an operator's decision: a member reads a project's M-Pesa accounts
// and webhook endpoints, but only an operator changes the accounts (add, set the default,
// delete: the next payment would be collected elsewhere) or rotates a live webhook signing
// secret (the merchant's server would refuse every live webhook until it is told the new one).
// Those operations say so in their declaration (`operatorOnly`, src/core/openapi.types.ts) and
// the signature guard built for each passes it here; the pages hide their buttons for members.
import type { Request } from 'express';
import { z } from 'zod';
import { AppError } from '../errors';
import { MODES, type Mode } from '../core/scope';
import type { OperatorOnly } from '../core/openapi.types';
import { expecting, parseOrThrow, text } from '../validation';
import type { SessionGuard } from '../security/session-cookie';
import { canSeeProject } from '../core/principal';

const PROJECT_ID = 'the id of a project you may see (prj_…)';
const projectHeader = text(PROJECT_ID).regex(/^prj_[0-9a-z]+$/, expecting(PROJECT_ID));
const modeHeader = z.enum(MODES, expecting('test or live'));

export interface SessionProject {
  id: string;
  mode: Mode;
  publicKey: string;
  /** A disabled project's session may read, not write (merchant-auth.ts refuses the writes). */
  disabled: boolean;
}

export interface SessionScopes {
  /**
   * The project and mode a session request is about; throws when the user may not see it, or
   * when the operation is `operatorOnly` in that mode and the user is a member.
   */
  projectOf(req: Request, operatorOnly?: OperatorOnly): Promise<SessionProject>;
  /** Passes an operator's session; throws for a member's or none. */
  operator(req: Request): Promise<void>;
}

export function createSessionScopes(
  guard: SessionGuard,
  projectState: (id: string) => Promise<{ disabled: boolean } | undefined>,
): SessionScopes {
  return {
    async projectOf(req, operatorOnly) {
      const principal = await guard(req);
      const header = req.get('x-project-id');
      if (header === undefined)
        throw new AppError('validation_failed', 'Send the project as X-Project-Id', {
          fields: [{ field: 'X-Project-Id', in: 'header', message: 'is required' }],
        });
      const id = parseOrThrow(projectHeader, header, { header: 'X-Project-Id' });
      const mode = parseOrThrow(modeHeader, req.get('x-mode') ?? 'test', { header: 'X-Mode' });
      // The same answer for "not yours" and "does not exist": a member learns nothing of other projects.
      const state = canSeeProject(principal, id) ? await projectState(id) : undefined;
      if (!state) throw new AppError('project_not_found', `No project ${id}`);
      if (operatorOnly && (operatorOnly.modes ?? MODES).includes(mode) && principal.role !== 'operator')
        throw new AppError('dashboard_forbidden', `Only an operator may ${operatorOnly.what}`, {
          requiredRole: 'operator',
        });
      return { id, mode, publicKey: `session:${principal.userId}`, disabled: state.disabled };
    },
    async operator(req) {
      const principal = await guard(req);
      if (principal.role !== 'operator')
        throw new AppError('dashboard_forbidden', 'Only an operator may do this');
    },
  };
}
