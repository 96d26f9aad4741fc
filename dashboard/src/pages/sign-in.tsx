import { useState } from 'preact/hooks';
import { api } from '../api';
import type { Session } from '../main';
import { ErrorNote } from '../ui';

export function SignIn({ onSignedIn }: { onSignedIn: (session: Session) => void }) {
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const submit = async (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.target as HTMLFormElement);
    setBusy(true);
    setError(undefined);
    try {
      onSignedIn(
        await api<Session>('/api/v1/dashboard/session', {
          method: 'POST',
          body: { email: String(form.get('email')), password: String(form.get('password')) },
        }),
      );
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <main id="main" class="sign-in">
      <h1>Sign in to mpesa-bridge</h1>
      <form onSubmit={(e) => void submit(e)}>
        <label for="email">Email</label>
        <input id="email" name="email" type="email" autocomplete="username" required />
        <label for="password">Password</label>
        <input id="password" name="password" type="password" autocomplete="current-password" required />
        <button type="submit" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
        <ErrorNote error={error} />
      </form>
      <p class="muted">
        No account yet? The operator creates the first one with the admin token (README, “Your first
        payment”). <a href="/docs">API reference</a>
      </p>
    </main>
  );
}
