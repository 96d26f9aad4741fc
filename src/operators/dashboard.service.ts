// Dashboard users and their sessions. A session is a random token in an HttpOnly cookie; the
// database keeps only its SHA-256, its CSRF token and its expiry (idle, moved forward while it
// is used, never past the absolute limit). Failed sign-ins are counted per source address and
// per email in the shared limiter (src/security/failure-limiter.ts), so they hold across instances.
import { createHash, randomBytes } from 'node:crypto';
import type { Database } from '../db/database';
import { isUniqueViolation } from '../db/database';
import { AppError } from '../errors';
import { newId, randomKey } from '../ids';
import { sourceKey, tooManyFailures, type FailureLimiter } from '../security/failure-limiter';
import { hashPassword, UNKNOWN_USER_HASH, verifyPassword } from './dashboard.password';
import {
  deleteSession,
  deleteUserSessions,
  findLiveSession,
  findUser,
  findUserByEmail,
  insertSession,
  insertUser,
  listUsers,
  lockOperators,
  membershipsOf,
  setMemberships,
  touchSession,
  updateUser,
  type UserRow,
} from './dashboard.repository';
import type { NewUserInput, Role, UpdateUserInput, UserView } from './dashboard.schema';
import { canSeeProject, type Principal } from '../core/principal';

export { canSeeProject, type Principal };

/** A session is written back at most this often: reads must not each cost a write. */
const TOUCH_EVERY_MS = 60_000;

export type DashboardService = ReturnType<typeof createDashboardService>;

interface Deps {
  db: Database;
  sessionIdleMs: number;
  sessionMaxMs: number;
  failures: { bySource: FailureLimiter; byEmail: FailureLimiter };
  projectExists: (id: string) => Promise<boolean>;
  /**
   * Ends, on every instance, the open connections a user or a session opened once what they
   * stood on changes (src/realtime/revocations.ts). HTTP needs none: each request reads the
   * session, its user's role and projects again.
   */
  revoke?: (authority: { userId: string } | { sessionId: string }) => void;
  now?: () => Date;
}

const sameSet = (a: readonly string[], b: readonly string[]) =>
  new Set(a).size === new Set(b).size && a.every((item) => b.includes(item));

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

export function createDashboardService({
  db,
  sessionIdleMs,
  sessionMaxMs,
  failures,
  projectExists,
  revoke = () => undefined,
  now = () => new Date(),
}: Deps) {
  const toView = (row: UserRow, projectIds: readonly string[]): UserView => ({
    id: row.id,
    email: row.email,
    name: row.name,
    role: row.role as Role,
    projectIds: row.role === 'operator' ? [] : [...projectIds],
    createdAt: row.createdAt.toISOString(),
    disabledAt: row.disabledAt?.toISOString() ?? null,
  });

  async function checkProjects(projectIds: readonly string[]): Promise<void> {
    for (const id of projectIds)
      if (!(await projectExists(id))) throw new AppError('project_not_found', `No project ${id}`);
  }

  async function viewOf(id: string): Promise<UserView> {
    const row = await findUser(db, id);
    if (!row) throw new AppError('dashboard_user_not_found', `No dashboard user ${id}`);
    return toView(row, (await membershipsOf(db, [id])).get(id) ?? []);
  }

  return {
    async createUser(input: NewUserInput): Promise<UserView> {
      await checkProjects(input.projectIds);
      const at = now();
      const row: UserRow = {
        id: newId('usr', at),
        email: input.email,
        name: input.name,
        role: input.role,
        passwordHash: await hashPassword(input.password),
        createdAt: at,
        disabledAt: null,
      };
      try {
        await db.transaction((tx) => insertUser(tx, row, input.role === 'member' ? input.projectIds : []));
      } catch (error) {
        if (isUniqueViolation(error))
          throw new AppError('dashboard_user_exists', `A dashboard user with email ${input.email} exists`);
        throw error;
      }
      return viewOf(row.id);
    },

    async listUsers(): Promise<UserView[]> {
      const rows = await listUsers(db);
      const memberships = await membershipsOf(
        db,
        rows.map((row) => row.id),
      );
      return rows.map((row) => toView(row, memberships.get(row.id) ?? []));
    },

    async updateUser(id: string, input: UpdateUserInput): Promise<UserView> {
      const existing = await findUser(db, id);
      if (!existing) throw new AppError('dashboard_user_not_found', `No dashboard user ${id}`);
      if (input.projectIds) await checkProjects(input.projectIds);
      // The last working operator cannot lock everyone out (the admin token can still create
      // one, but a team should not need it for a slip of the mouse).
      const demotes = (input.role !== undefined && input.role !== 'operator') || input.disabled === true;
      // Hashed before the transaction: SQLite's one writer should not wait for scrypt.
      const passwordHash = input.password === undefined ? undefined : await hashPassword(input.password);
      const authorityChanged = await db.transaction(async (tx) => {
        // Checked on the locked operator rows, in the transaction that demotes: two operators
        // demoting each other at once leave one (the second sees the first's change).
        if (demotes) {
          const operators = await lockOperators(tx);
          const othersWorking = operators.filter((row) => row.id !== id && row.disabledAt === null);
          if (operators.some((row) => row.id === id) && othersWorking.length === 0)
            throw new AppError('bad_request', 'This is the last operator: make another one first');
        }
        // Read in the transaction: what the user's open connections were admitted with.
        const before = await findUser(tx, id);
        const projectsBefore = (await membershipsOf(tx, [id])).get(id) ?? [];
        const patch = {
          name: input.name,
          role: input.role,
          passwordHash,
          disabledAt: input.disabled === undefined ? undefined : input.disabled ? now() : null,
        };
        if (Object.values(patch).some((value) => value !== undefined)) await updateUser(tx, id, patch);
        if (input.projectIds) await setMemberships(tx, id, input.projectIds, now());
        // A new password or a disabled account ends every session it had. A new role or new
        // projects hold from the session's next request (each reads them again).
        if (input.password !== undefined || input.disabled === true) await deleteUserSessions(tx, id);
        return (
          input.password !== undefined ||
          input.disabled === true ||
          (input.role !== undefined && input.role !== before?.role) ||
          (input.projectIds !== undefined && !sameSet(input.projectIds, projectsBefore))
        );
      });
      // Its open streams were admitted with what changed: ended everywhere, they may ask again.
      if (authorityChanged) revoke({ userId: id });
      return viewOf(id);
    },

    /** Signs in; the token goes in the cookie and is never stored. */
    async signIn(email: string, password: string, address: string | undefined) {
      const source = sourceKey(address);
      const emailKey = email.toLowerCase();
      const blocked = Math.max(
        await failures.bySource.blockedFor(source),
        await failures.byEmail.blockedFor(emailKey),
      );
      if (blocked) throw tooManyFailures(blocked, 'failed sign-ins');
      const user = await findUserByEmail(db, emailKey);
      const valid = await verifyPassword(password, user?.passwordHash ?? UNKNOWN_USER_HASH);
      if (!user || !valid || user.disabledAt) {
        await Promise.all([failures.bySource.fail(source), failures.byEmail.fail(emailKey)]);
        throw new AppError('sign_in_failed', 'Wrong email or password');
      }
      const at = now();
      const token = randomKey('dss', 32);
      const expiresAt = new Date(Math.min(at.getTime() + sessionIdleMs, at.getTime() + sessionMaxMs));
      const csrfToken = randomBytes(24).toString('base64url');
      await insertSession(db, {
        id: newId('dss', at),
        tokenHash: hashToken(token),
        userId: user.id,
        csrfToken,
        createdAt: at,
        lastSeenAt: at,
        expiresAt,
      });
      return { token, expiresAt };
    },

    /** The principal of a session token, or undefined when it is unknown, expired or its user disabled. */
    async authenticate(token: string): Promise<Principal | undefined> {
      const at = now();
      const session = await findLiveSession(db, hashToken(token), at);
      if (!session) return undefined;
      let expiresAt = session.expiresAt;
      if (at.getTime() - session.lastSeenAt.getTime() > TOUCH_EVERY_MS) {
        expiresAt = new Date(
          Math.min(at.getTime() + sessionIdleMs, session.createdAt.getTime() + sessionMaxMs),
        );
        await touchSession(db, session.id, at, expiresAt);
      }
      const projectIds =
        session.role === 'operator'
          ? 'all'
          : ((await membershipsOf(db, [session.userId])).get(session.userId) ?? []);
      return {
        sessionId: session.id,
        userId: session.userId,
        email: session.email,
        name: session.name,
        role: session.role as Role,
        projectIds,
        csrfToken: session.csrfToken,
        expiresAt,
      };
    },

    async signOut(token: string): Promise<void> {
      const sessionId = await deleteSession(db, hashToken(token));
      if (sessionId) revoke({ sessionId });
    },

    viewOf,
  };
}
