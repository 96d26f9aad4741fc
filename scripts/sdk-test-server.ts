// The real service for the Python and PHP SDK suites (sdk-python/tests, sdk-php/tests): started
// in simulator mode on a free port with a fresh data directory (the same start as the jest tests,
// tests/helpers/server.ts), a project created with the admin token as an operator would, and
// one JSON line on stdout: {baseUrl, adminToken, projectId, publicKey, secretKey, livePublicKey,
// liveSecretKey, rateLimitMax}. It runs until its stdin closes (the suite exits, even killed)
// or it gets SIGTERM/SIGINT. `KEY=VALUE` arguments override the service's environment.
//
//   npx tsx scripts/sdk-test-server.ts [KEY=VALUE ...]
import { startTestServer } from '../tests/helpers/server';

// Low enough that a suite reaches 429 in a few dozen calls, high enough that a suite using one
// project per test file never meets it otherwise.
const RATE_LIMIT_MAX = '60';

async function main(): Promise<void> {
  const overrides = Object.fromEntries(
    process.argv.slice(2).map((argument) => {
      const at = argument.indexOf('=');
      if (at < 1) throw new Error(`Expected KEY=VALUE, got ${argument}`);
      return [argument.slice(0, at), argument.slice(at + 1)];
    }),
  );
  const server = await startTestServer({
    RATE_LIMIT_MAX,
    PROJECT_CREATE_RATE_LIMIT_MAX: '1000',
    // Deliveries are picked up quickly so a suite waits for its webhook in well under a second.
    WEBHOOK_POLL_INTERVAL_MS: '50',
    ...overrides,
  });
  const response = await fetch(`${server.url}/api/v1/projects`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${server.adminToken}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'SDK test shop' }),
  });
  const created = (await response.json()) as {
    project: { id: string; keys: Record<'test' | 'live', { publicKey: string }> };
    secretKeys: Record<'test' | 'live', string>;
  };
  if (!response.ok) throw new Error(`Could not create a project: ${JSON.stringify(created)}`);

  let closing: Promise<void> | undefined;
  const close = () => (closing ??= server.close().finally(() => process.exit(0)));
  process.stdin.on('end', close);
  process.stdin.on('close', close);
  process.stdin.resume();
  process.on('SIGTERM', close);
  process.on('SIGINT', close);

  process.stdout.write(
    `${JSON.stringify({
      baseUrl: server.url,
      adminToken: server.adminToken,
      projectId: created.project.id,
      publicKey: created.project.keys.test.publicKey,
      secretKey: created.secretKeys.test,
      livePublicKey: created.project.keys.live.publicKey,
      liveSecretKey: created.secretKeys.live,
      rateLimitMax: Number(overrides.RATE_LIMIT_MAX ?? RATE_LIMIT_MAX),
    })}\n`,
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
