// The demo's project keys: created once with the operator's admin token, kept next to the
// service's own generated secrets (data/, 0600, gitignored) and reused on the next run, so
// repeated `npm run demo` runs neither pile up projects nor hit the project-creation rate limit.
import fs from 'node:fs';
import path from 'node:path';
import { createClient, MpesaBridgeError } from '@mpesa-bridge/sdk';

export interface DemoKeys {
  projectId: string;
  publicKey: string;
  secretKey: string;
}

const KEYS_FILE = 'demo-project.json';

export async function demoProjectKeys(
  serviceUrl: string,
  adminToken: string,
  dataDir: string,
): Promise<DemoKeys> {
  const file = path.join(dataDir, KEYS_FILE);
  if (fs.existsSync(file)) {
    const saved = JSON.parse(fs.readFileSync(file, 'utf8')) as DemoKeys;
    if (await keysWork(serviceUrl, saved)) return saved;
  }
  const keys = await createProject(serviceUrl, adminToken);
  fs.mkdirSync(dataDir, { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(keys, null, 2)}\n`, { mode: 0o600 });
  return keys;
}

/** Saved keys stop working when the project's keys were rotated or the database was replaced. */
async function keysWork(serviceUrl: string, keys: DemoKeys): Promise<boolean> {
  try {
    await createClient({ baseUrl: serviceUrl, ...keys, maxRetries: 0 }).transactions.list({ limit: 1 });
    return true;
  } catch (error) {
    if (
      error instanceof MpesaBridgeError &&
      (error.code === 'api_key_unknown' || error.code === 'signature_invalid')
    )
      return false;
    throw error;
  }
}

async function createProject(serviceUrl: string, adminToken: string): Promise<DemoKeys> {
  const response = await fetch(`${serviceUrl}/api/v1/projects`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'Checkout demo' }),
  });
  const body = (await response.json()) as {
    project?: { id: string; publicKey: string };
    secretKey?: string;
    error?: { message: string };
  };
  if (!response.ok || !body.project || !body.secretKey) {
    throw new Error(`Could not create the demo project: ${body.error?.message ?? `HTTP ${response.status}`}`);
  }
  return { projectId: body.project.id, publicKey: body.project.publicKey, secretKey: body.secretKey };
}
