// Where the reader's own values go in the samples. /docs fills in the first two for a reader
// signed in to the dashboard (the page's script, dashboard/src/reference); CI fills them in to run
// the samples (tests/reference). Secrets are never written into a page: the samples read them
// from the environment, under these names.
export const SAMPLE_BASE_URL = 'http://localhost:3000';
export const SAMPLE_PUBLIC_KEY = 'pk_test_YOUR_PUBLIC_KEY';

export const SAMPLE_ENV = {
  /** The project's secret test key (`sk_test_…`): shown once, when the keys were made or rotated. */
  secretKey: 'SECRET_KEY',
  adminToken: 'ADMIN_TOKEN',
  /** The dashboard session cookie's value, and its CSRF token (GET /api/v1/dashboard/session). */
  session: 'MB_SESSION',
  csrfToken: 'CSRF_TOKEN',
} as const;

export const SECRET_KEY_NOTE = `your secret test key (sk_test_…), shown once when the keys were made`;
