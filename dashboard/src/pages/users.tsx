// Users (operators only; the server refuses members anyway): who may sign in, with which role
// and projects; add, disable, enable.
import { useState } from 'preact/hooks';
import type { DashboardUser } from '@mpesa-bridge/sdk/types';
import { api } from '../api';
import { formatTime } from '../format';
import type { Session } from '../main';
import { Card, ErrorNote, Loading, useLoad } from '../ui';

export function Users({ session }: { session: Session }) {
  const users = useLoad(() => api<{ data: DashboardUser[] }>('/api/v1/dashboard/users'), []);
  const [note, setNote] = useState<{ message?: string; error?: unknown }>({});
  const [role, setRole] = useState<'operator' | 'member'>('member');
  const nameOf = (id: string) => session.projects.find((project) => project.id === id)?.name ?? id;

  const add = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    const data = new FormData(form);
    try {
      await api('/api/v1/dashboard/users', {
        method: 'POST',
        body: {
          email: String(data.get('email')),
          name: String(data.get('name')),
          password: String(data.get('password')),
          role,
          projectIds: data.getAll('projects').map(String),
        },
      });
      setNote({ message: `Added ${String(data.get('email'))}` });
      form.reset();
      users.reload();
    } catch (error) {
      setNote({ error });
    }
  };
  const saveProjects = async (user: DashboardUser, form: HTMLFormElement) => {
    try {
      await api(`/api/v1/dashboard/users/${user.id}`, {
        method: 'PATCH',
        body: { projectIds: new FormData(form).getAll('projects').map(String) },
      });
      setNote({ message: `Saved the projects of ${user.email}` });
      users.reload();
    } catch (error) {
      setNote({ error });
    }
  };
  const toggle = async (user: DashboardUser) => {
    try {
      await api(`/api/v1/dashboard/users/${user.id}`, {
        method: 'PATCH',
        body: { disabled: user.disabledAt === null },
      });
      users.reload();
    } catch (error) {
      setNote({ error });
    }
  };

  return (
    <div>
      <h1>Users</h1>
      <Card title="Add a user">
        <form class="stack" onSubmit={(e) => void add(e)}>
          <label for="user-email">Email</label>
          <input id="user-email" name="email" type="email" required autocomplete="off" />
          <label for="user-name">Name</label>
          <input id="user-name" name="name" required />
          <label for="user-password">Password (at least 12 characters)</label>
          <input
            id="user-password"
            name="password"
            type="password"
            minLength={12}
            required
            autocomplete="new-password"
          />
          <fieldset>
            <legend>Role</legend>
            <label>
              <input
                type="radio"
                name="role"
                value="member"
                checked={role === 'member'}
                onChange={() => setRole('member')}
              />{' '}
              member (the projects below)
            </label>
            <label>
              <input
                type="radio"
                name="role"
                value="operator"
                checked={role === 'operator'}
                onChange={() => setRole('operator')}
              />{' '}
              operator (every project, users, keys)
            </label>
          </fieldset>
          {role === 'member' && (
            <fieldset>
              <legend>Projects</legend>
              {session.projects.map((project) => (
                <label key={project.id}>
                  <input type="checkbox" name="projects" value={project.id} /> {project.name}
                </label>
              ))}
            </fieldset>
          )}
          <button type="submit">Add user</button>
        </form>
        {note.message && <p role="status">{note.message}</p>}
        <ErrorNote error={note.error} />
      </Card>
      <ErrorNote error={users.error} />
      {!users.data && !users.error && <Loading what="users" />}
      <ul class="users" aria-label="Users">
        {users.data?.data.map((user) => (
          <li key={user.id}>
            <strong>{user.name}</strong> {user.email} — {user.role}
            {user.role === 'member' ? `: ${user.projectIds.map(nameOf).join(', ') || 'no projects'}` : ''}
            {user.disabledAt ? ` (disabled ${formatTime(user.disabledAt)})` : ''}{' '}
            {user.id !== session.user.id && (
              <button type="button" class="secondary" onClick={() => void toggle(user)}>
                {user.disabledAt ? 'Enable' : 'Disable'}
              </button>
            )}
            {user.role === 'member' && (
              <details>
                <summary>Change projects</summary>
                <form
                  onSubmit={(e) => {
                    e.preventDefault();
                    void saveProjects(user, e.target as HTMLFormElement);
                  }}
                >
                  <fieldset>
                    <legend>Projects of {user.name}</legend>
                    {session.projects.map((project) => (
                      <label key={project.id}>
                        <input
                          type="checkbox"
                          name="projects"
                          value={project.id}
                          checked={user.projectIds.includes(project.id)}
                        />{' '}
                        {project.name}
                      </label>
                    ))}
                  </fieldset>
                  <button type="submit">Save projects</button>
                </form>
              </details>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
