// Projects and keys: the projects this user may see with their public keys and M-Pesa accounts
// (masked by the server); operators create projects, rotate a mode's key pair (the secret shown
// once, with a copy button) and disable or enable a project. The test/live switch is in the header.
import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import type { ProjectWithSecret, RotatedKeys } from '@mpesa-bridge/sdk/types';
import { api, type Scope } from '../api';
import { formatTime } from '../format';
import { linkTo, type Project, type Session } from '../main';
import { Card, ErrorNote, ShownOnce } from '../ui';

interface Shown {
  label: string;
  value: string;
}

/** How long a rolled pair keeps working: at once (a leaked key) or long enough to deploy the new one. */
const GRACES = [
  [0, 'stop at once'],
  [3600, 'keep working 1 hour'],
  [86_400, 'keep working 24 hours'],
  [604_800, 'keep working 7 days'],
] as const;

function ProjectCard({
  project,
  operator,
  scope,
  onChanged,
}: {
  project: Project;
  operator: boolean;
  scope: Scope | undefined;
  onChanged: () => void;
}) {
  const [shown, setShown] = useState<Shown>();
  const [error, setError] = useState<unknown>();
  const [grace, setGrace] = useState<Record<'test' | 'live', number>>({ test: 0, live: 0 });
  const rotate = async (mode: 'test' | 'live') => {
    const graceSeconds = grace[mode];
    const when =
      graceSeconds === 0
        ? 'stop working at once'
        : `keep working for ${GRACES.find(([seconds]) => seconds === graceSeconds)?.[1].replace('keep working ', '')}`;
    if (!confirm(`Rotate the ${mode} key pair of ${project.name}? The old ${mode} keys ${when}.`)) return;
    try {
      const result = await api<RotatedKeys>(`/api/v1/projects/${project.id}/keys/rotate`, {
        method: 'POST',
        body: { mode, graceSeconds },
      });
      setShown({ label: `New ${mode} secret key`, value: result.secretKey });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const toggle = async () => {
    try {
      await api(`/api/v1/projects/${project.id}`, {
        method: 'PATCH',
        body: { disabled: project.disabledAt === null },
      });
      onChanged();
    } catch (failure) {
      setError(failure);
    }
  };
  const current = scope?.projectId === project.id;
  return (
    <Card title={project.name}>
      <p>
        <code>{project.id}</code>{' '}
        {project.disabledAt ? (
          <span class="health bad">disabled</span>
        ) : (
          <span class="health ok">active</span>
        )}{' '}
        {!current && (
          <a href={linkTo({ projectId: project.id, mode: scope?.mode ?? 'test' }, 'overview')}>Open</a>
        )}
      </p>
      <dl class="facts">
        {(['test', 'live'] as const).map((mode) => (
          <Fragment key={mode}>
            <dt>{mode} public key</dt>
            <dd>
              <code>{project.keys[mode]?.publicKey ?? '—'}</code>
              {operator && (
                <span class="roll">
                  <label for={`grace-${project.id}-${mode}`}>Old {mode} keys</label>
                  <select
                    id={`grace-${project.id}-${mode}`}
                    value={grace[mode]}
                    onChange={(e) =>
                      setGrace({ ...grace, [mode]: Number((e.target as HTMLSelectElement).value) })
                    }
                  >
                    {GRACES.map(([seconds, label]) => (
                      <option key={seconds} value={seconds}>
                        {label}
                      </option>
                    ))}
                  </select>
                  <button type="button" class="secondary" onClick={() => void rotate(mode)}>
                    Rotate {mode} keys
                  </button>
                </span>
              )}
            </dd>
          </Fragment>
        ))}
      </dl>
      {project.retiringKeys.length > 0 && (
        <>
          <h3>Old keys still working</h3>
          <ul class="retiring">
            {project.retiringKeys.map((key) => (
              <li key={key.publicKey}>
                {key.mode} <code>{key.publicKey}</code> stops working{' '}
                <time dateTime={key.expiresAt}>{formatTime(key.expiresAt)}</time>
              </li>
            ))}
          </ul>
        </>
      )}
      {shown && <ShownOnce label={shown.label} value={shown.value} />}
      <h3>M-Pesa accounts</h3>
      {project.accounts.length === 0 && <p class="muted">None: payments use the deployment's own account.</p>}
      <ul>
        {project.accounts.map((account) => (
          <li key={account.id}>
            {account.name} — {account.environment} ({account.mode}), shortcode {account.shortcode}
            {account.tillNumber ? `, till ${account.tillNumber}` : ''}, consumer key{' '}
            <code>{account.consumerKey ?? '—'}</code>
            {account.isDefault ? ' (default)' : ''}
          </li>
        ))}
      </ul>
      {operator && (
        <button type="button" class="secondary" onClick={() => void toggle()}>
          {project.disabledAt ? 'Enable project' : 'Disable project'}
        </button>
      )}
      <p class="muted">Created {formatTime(project.createdAt)}</p>
      <ErrorNote error={error} />
    </Card>
  );
}

export function Projects({
  session,
  scope,
  onChanged,
}: {
  session: Session;
  scope: Scope | undefined;
  onChanged: () => void;
}) {
  const operator = session.user.role === 'operator';
  const [created, setCreated] = useState<{ secrets?: { test: string; live: string }; error?: unknown }>({});
  const create = async (event: Event) => {
    event.preventDefault();
    const form = event.target as HTMLFormElement;
    try {
      const result = await api<ProjectWithSecret>('/api/v1/projects', {
        method: 'POST',
        body: { name: String(new FormData(form).get('name')) },
      });
      setCreated({ secrets: result.secretKeys });
      form.reset();
      onChanged();
    } catch (error) {
      setCreated({ error });
    }
  };
  return (
    <div>
      <h1>Projects &amp; keys</h1>
      {operator && (
        <form class="inline" onSubmit={(e) => void create(e)}>
          <label for="project-name">New project name</label>
          <input id="project-name" name="name" required maxLength={100} />
          <button type="submit">Create project</button>
        </form>
      )}
      {created.secrets && (
        <>
          <ShownOnce label="Test secret key" value={created.secrets.test} />
          <ShownOnce label="Live secret key" value={created.secrets.live} />
        </>
      )}
      <ErrorNote error={created.error} />
      {session.projects.length === 0 && <p class="muted">No projects yet.</p>}
      {session.projects.map((project) => (
        <ProjectCard
          key={project.id}
          project={project}
          operator={operator}
          scope={scope}
          onChanged={onChanged}
        />
      ))}
    </div>
  );
}
