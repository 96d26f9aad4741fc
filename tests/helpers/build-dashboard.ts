// Jest global setup: the dashboard's bundle, built from its sources before any test starts a
// server, so `npx jest` from a fresh clone serves /dashboard as `npm start` does.
import { buildDashboard } from '../../dashboard/build';

export default async function globalSetup(): Promise<void> {
  await buildDashboard();
}
