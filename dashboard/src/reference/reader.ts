// The reader as the dashboard knows them: with a session, a banner says whose test keys the
// samples show and lets them pick the project; without one, it says how to get them.
import type { DashboardSession, Project } from '@mpesa-bridge/sdk/types';
import { el } from './dom';

const PROJECT_KEY = 'mpesa-bridge.reference.project';

/** The dashboard session of this browser, or undefined when signed out. */
export async function currentSession(): Promise<DashboardSession | undefined> {
  const response = await fetch('/api/v1/dashboard/session', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json' },
  }).catch(() => undefined);
  return response?.ok ? ((await response.json()) as DashboardSession) : undefined;
}

/** Shows the banner; `onProject` is told the chosen project now and on every change. */
export function showReader(
  session: DashboardSession | undefined,
  onProject: (project: Project) => void,
): void {
  const banner = document.getElementById('reader');
  if (!banner) return;
  banner.hidden = false;
  const projects = session?.projects.filter((project) => project.keys.test) ?? [];
  if (!session || !projects.length) {
    banner.replaceChildren(
      el('p', {}, [
        session
          ? 'None of your projects has test keys yet: rotate its test keys in the dashboard to get some. '
          : 'Sign in to the ',
        !session && el('a', { href: '/dashboard/' }, ['dashboard']),
        !session &&
          " to see your project's test public key in every sample and to try operations in test mode from this page.",
      ]),
    );
    return;
  }
  const remembered = localStorage.getItem(PROJECT_KEY);
  const first = projects.find((project) => project.id === remembered) ?? projects[0]!;
  const select = el(
    'select',
    { id: 'reader-project' },
    projects.map((project) =>
      el('option', { value: project.id, selected: project.id === first.id }, [project.name]),
    ),
  );
  select.addEventListener('change', () => {
    const project = projects.find((candidate) => candidate.id === select.value)!;
    localStorage.setItem(PROJECT_KEY, project.id);
    onProject(project);
  });
  banner.replaceChildren(
    el('p', {}, [
      `Signed in as ${session.user.email}. The samples use the test public key of `,
      el('label', { for: 'reader-project', class: 'visually-hidden' }, ['Project']),
      select,
      '. The secret key is not here: it is shown once, when the keys are made, so the samples read it from ',
      el('code', {}, ['SECRET_KEY']),
      '. "Try it" sends test-mode requests as you, through your dashboard session.',
    ]),
  );
  onProject(first);
}
