// Jest global setup: the dashboard's and the checkout page's bundles, built from its sources before any test starts a
// server, so `npx jest` from a fresh clone serves /dashboard as `npm start` does.
import { buildDashboard } from '../../dashboard/build';
import { buildCheckout } from '../../checkout/build';

export default async function globalSetup(): Promise<void> {
  await Promise.all([buildDashboard(), buildCheckout()]);
}
