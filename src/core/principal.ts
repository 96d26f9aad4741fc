// Who is asking through a dashboard session: kept in the kernel because the HTTP edge (auth),
// the operators' pages and the realtime stream all read it, and none of them may import another.
export const ROLES = ['operator', 'member'] as const;
export type Role = (typeof ROLES)[number];

/** Who a valid session cookie belongs to, and what it may see. */
export interface Principal {
  sessionId: string;
  userId: string;
  email: string;
  name: string;
  role: Role;
  /** The projects a member may see; every project for an operator. */
  projectIds: 'all' | readonly string[];
  csrfToken: string;
  expiresAt: Date;
}

export const canSeeProject = (principal: Principal, projectId: string) =>
  principal.projectIds === 'all' || principal.projectIds.includes(projectId);

/** What checks a session token: the operators' service, passed in by composition. */
export interface SessionAuthenticator {
  authenticate(token: string): Promise<Principal | undefined>;
}
