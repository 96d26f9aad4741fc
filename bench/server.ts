// The service under test, as `npm start` runs it (real config, real port), with the
// environment the bench gives it. Answers the bench over IPC (URL, OAuth count, memory, what
// settled, a pruning pass, the round trips it sent to PostgreSQL); closes when asked or when the bench goes away, so no server
// outlives a run.
import { loadConfig } from '../src/config';
import { createLogger } from '../src/logger';
import { startService } from '../src/service';
import type { ChildMessage, ParentMessage } from './protocol';
import { backendPids, countRoundTrips, roundTrips } from './round-trips';
import { countSettled } from './verify';

const send = (message: ChildMessage) => process.send?.(message);

async function main(): Promise<void> {
  // Before any pool exists: every query of the service is counted.
  countRoundTrips();
  const config = loadConfig();
  const service = await startService(config, createLogger(config));

  let closing = false;
  const shutdown = () => {
    if (closing) return;
    closing = true;
    service.close().finally(() => process.exit(0));
  };
  process.on('disconnect', shutdown);
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'oauth-count') send({ type: 'oauth-count', count: service.oauthCallCount() });
    if (message.type === 'memory') send({ type: 'memory', usage: process.memoryUsage() });
    if (message.type === 'settled')
      void countSettled(service.database).then((settled) => send({ type: 'settled', ...settled }));
    if (message.type === 'prune') {
      const started = Date.now();
      void service
        .pruneNow()
        .then((pruned) => send({ type: 'pruned', ...pruned, seconds: (Date.now() - started) / 1000 }));
    }
    if (message.type === 'round-trips')
      send({ type: 'round-trips', ...roundTrips(), backendPids: backendPids() });
    if (message.type === 'close') shutdown();
  });
  send({ type: 'ready', url: service.url });
}

main().catch((error: unknown) => {
  process.stderr.write(`bench server failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
