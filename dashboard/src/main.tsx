// The dashboard: sign in, then every page about one project and mode at a time. The route is
// in the address (#/p/<project>/<mode>/<page>/<id>) so a link can be shared; the server decides
// what the signed-in user may see, whatever the address says.
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { DashboardSession as Session } from '@mpesa-bridge/sdk/types';
import { api, setCsrfToken, whenSignedOut, type Scope } from './api';
import { SignIn } from './pages/sign-in';
import { Overview } from './pages/overview';
import { Payments } from './pages/payments';
import { PaymentPage } from './pages/payment';
import { Webhooks } from './pages/webhooks';
import { Links } from './pages/links';
import { PayoutPage, Payouts } from './pages/payouts';
import { PayoutBatches, PayoutBatchPage } from './pages/payout-batches';
import { Projects } from './pages/projects';
import { Accounts } from './pages/accounts';
import { Audit } from './pages/audit';
import { Requests } from './pages/requests';
import { EventPage, Events } from './pages/events';
import { Users } from './pages/users';
import { Playground } from './pages/playground';
import { Loading } from './ui';

/** The SDK's checked shapes, under the names the pages use. */
export type { Project, DashboardSession as Session } from '@mpesa-bridge/sdk/types';

export const PAGES = [
  ['overview', 'Overview'],
  ['payments', 'Payments'],
  ['links', 'Payment links'],
  ['payouts', 'Payouts'],
  ['payout-batches', 'Payout batches'],
  ['webhooks', 'Webhooks'],
  ['events', 'Events'],
  ['requests', 'Request log'],
  ['accounts', 'M-Pesa accounts'],
  ['projects', 'Projects & keys'],
  ['users', 'Users'],
  ['audit', 'Audit trail'],
  ['playground', 'Playground'],
] as const;
export type Page = (typeof PAGES)[number][0];

export interface Route {
  scope?: Scope;
  page: Page | 'none';
  id?: string;
}

export function parseRoute(hash: string): Route {
  const [, p, projectId, mode, page, id] = hash.replace(/^#/, '').split('/');
  if (p === 'p' && projectId && (mode === 'test' || mode === 'live')) {
    const known = PAGES.some(([name]) => name === page);
    return {
      scope: { projectId, mode },
      page: known ? (page as Page) : 'overview',
      id: id ? decodeURIComponent(id) : undefined,
    };
  }
  return { page: 'none' };
}

export const linkTo = (scope: Scope, page: Page, id?: string) =>
  `#/p/${scope.projectId}/${scope.mode}/${page}${id ? `/${encodeURIComponent(id)}` : ''}`;

function App() {
  const [session, setSession] = useState<Session | null | undefined>(undefined);
  const [hash, setHash] = useState(location.hash);

  const refresh = () =>
    api<Session>('/api/v1/dashboard/session').then(
      (value) => {
        setCsrfToken(value.csrfToken);
        setSession(value);
      },
      // Signed out (session_invalid), or the service is unreachable: either way, the sign-in page says what happens next.
      () => setSession(null),
    );

  useEffect(() => {
    void refresh();
    whenSignedOut(() => setSession(null));
    const onHash = () => setHash(location.hash);
    addEventListener('hashchange', onHash);
    return () => removeEventListener('hashchange', onHash);
  }, []);

  if (session === undefined) return <Loading what="your session" />;
  if (session === null)
    return <SignIn onSignedIn={(value) => (setCsrfToken(value.csrfToken), setSession(value))} />;

  const route = parseRoute(hash);
  const first = session.projects[0];
  if (!route.scope) {
    if (first) {
      location.replace(linkTo({ projectId: first.id, mode: 'test' }, 'overview'));
      return <Loading what="the overview" />;
    }
    return (
      <Shell
        session={session}
        route={{ page: 'projects' }}
        onSignOut={() => setSession(null)}
        onProjectsChanged={refresh}
      />
    );
  }
  return (
    <Shell session={session} route={route} onSignOut={() => setSession(null)} onProjectsChanged={refresh} />
  );
}

function Shell({
  session,
  route,
  onSignOut,
  onProjectsChanged,
}: {
  session: Session;
  route: Route;
  onSignOut: () => void;
  onProjectsChanged: () => void;
}) {
  const scope = route.scope;
  const operator = session.user.role === 'operator';
  const project = scope ? session.projects.find((candidate) => candidate.id === scope.projectId) : undefined;
  const [menuOpen, setMenuOpen] = useState(false);

  const signOut = async () => {
    await api('/api/v1/dashboard/session', { method: 'DELETE' }).catch(() => undefined);
    location.hash = '';
    onSignOut();
  };

  const pages = PAGES.filter(
    ([name]) =>
      (name !== 'users' || operator) &&
      (name !== 'audit' || operator) &&
      (name !== 'playground' || scope?.mode !== 'live'),
  );
  return (
    <div class="shell">
      <header class="top">
        <a class="brand" href="#/">
          mpesa-bridge
        </a>
        {scope && (
          <div class="scope">
            <label for="project-select">Project</label>
            <select
              id="project-select"
              value={scope.projectId}
              onChange={(e) =>
                (location.hash = linkTo(
                  { projectId: (e.target as HTMLSelectElement).value, mode: scope.mode },
                  route.page === 'none' ? 'overview' : route.page,
                ))
              }
            >
              {!project && <option value={scope.projectId}>(not one of yours)</option>}
              {session.projects.map((candidate) => (
                <option value={candidate.id} key={candidate.id}>
                  {candidate.name}
                </option>
              ))}
            </select>
            <fieldset class="mode" aria-label="Mode">
              {(['test', 'live'] as const).map((mode) => (
                <a
                  key={mode}
                  class={mode === scope.mode ? 'on' : ''}
                  aria-current={mode === scope.mode ? 'true' : undefined}
                  href={linkTo(
                    { ...scope, mode },
                    route.page === 'playground' && mode === 'live'
                      ? 'overview'
                      : route.page === 'none'
                        ? 'overview'
                        : route.page,
                  )}
                >
                  {mode}
                </a>
              ))}
            </fieldset>
          </div>
        )}
        <button
          type="button"
          class="menu secondary"
          aria-expanded={menuOpen}
          aria-controls="nav"
          onClick={() => setMenuOpen(!menuOpen)}
        >
          Menu
        </button>
        <nav id="nav" class={menuOpen ? 'open' : ''} aria-label="Pages">
          {scope &&
            pages.map(([name, label]) => (
              <a
                key={name}
                href={linkTo(scope, name)}
                aria-current={route.page === name ? 'page' : undefined}
                onClick={() => setMenuOpen(false)}
              >
                {label}
              </a>
            ))}
          <a href="/docs">API reference</a>
          <span class="who" title={session.user.email}>
            {session.user.name} ({session.user.role})
          </span>
          <button type="button" class="secondary" onClick={() => void signOut()}>
            Sign out
          </button>
        </nav>
      </header>
      {scope?.mode === 'test' && (
        <p class="test-banner" role="note">
          <strong>Test mode</strong>: test data only (simulator and sandbox accounts, no real money).{' '}
          <a
            href={linkTo(
              { ...scope, mode: 'live' },
              route.page === 'none' || route.page === 'playground' ? 'overview' : route.page,
            )}
          >
            Switch to live
          </a>
        </p>
      )}
      <main id="main">
        <PageOf session={session} route={route} onProjectsChanged={onProjectsChanged} />
      </main>
    </div>
  );
}

function PageOf({
  session,
  route,
  onProjectsChanged,
}: {
  session: Session;
  route: Route;
  onProjectsChanged: () => void;
}) {
  const scope = route.scope;
  if (!scope) {
    if (session.user.role === 'operator')
      return <Projects session={session} scope={undefined} onChanged={onProjectsChanged} />;
    return <p class="muted">You are not a member of any project yet: ask an operator to add you.</p>;
  }
  switch (route.page) {
    case 'payments':
      return route.id ? <PaymentPage scope={scope} id={route.id} /> : <Payments scope={scope} />;
    case 'links':
      return <Links scope={scope} />;
    case 'payouts':
      return route.id ? <PayoutPage scope={scope} id={route.id} /> : <Payouts scope={scope} />;
    case 'payout-batches':
      return route.id ? <PayoutBatchPage scope={scope} id={route.id} /> : <PayoutBatches scope={scope} />;
    case 'webhooks':
      return <Webhooks scope={scope} operator={session.user.role === 'operator'} />;
    case 'accounts':
      return <Accounts scope={scope} operator={session.user.role === 'operator'} />;
    case 'projects':
      return <Projects session={session} scope={scope} onChanged={onProjectsChanged} />;
    case 'users':
      return <Users session={session} />;
    case 'audit':
      return <Audit scope={scope} />;
    case 'events':
      return route.id ? <EventPage scope={scope} id={route.id} /> : <Events scope={scope} />;
    case 'requests':
      return <Requests scope={scope} />;
    case 'playground':
      return <Playground scope={scope} />;
    default:
      return <Overview scope={scope} />;
  }
}

render(<App />, document.getElementById('app')!);
