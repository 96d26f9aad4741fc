// `listen --forward-to URL`: the project's events, pushed by the service over the project
// stream, POSTed to a local URL signed exactly as a webhook delivery (Standard Webhooks, with a
// secret made for this session), so the local app verifies them with the SDK's verifyWebhook
// or any Standard Webhooks library. No tunnel, no public URL. Events recorded while the
// connection was down are fetched from the event log when it comes back, and forwarded too.
import { randomBytes } from 'node:crypto';
import { Webhook } from 'standardwebhooks';
import type { EventRecord } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { CliError, EXIT } from '../exit';
import { clock, parseDuration, parseList } from '../format';
import { followProject, untilInterrupted, type StreamEvent } from '../stream';
import { CLI_USER_AGENT } from '../version';

interface ListenOptions {
  forwardTo: string;
  events?: string[];
  secret?: string;
  timeout: number;
}

/** What the service's own deliveries allow (WEBHOOK_TIMEOUT_MS' default). */
const DEFAULT_TIMEOUT_MS = 15_000;
/** Event ids remembered, so an event heard live and again in the catch-up is forwarded once. */
const SEEN_MAX = 10_000;
/** How far back the catch-up after a reconnection reads the event log, at most. */
const CATCH_UP_MAX_EVENTS = 500;

export const registerListen: Registrar = (program, action) => {
  program
    .command('listen')
    .description(
      'Forward the project’s events to a local URL, signed as real webhooks (no tunnel, no public URL)',
    )
    .requiredOption(
      '-f, --forward-to <url>',
      'where your app receives webhooks, e.g. http://localhost:4242/webhooks',
    )
    .option(
      '-e, --events <types>',
      'only these event types, comma-separated (transaction.completed,transaction.failed; transaction.* for all of a kind)',
      parseList,
    )
    .option(
      '--secret <whsec>',
      'sign with this whsec_… secret instead of a new one (env MPESA_BRIDGE_LISTEN_SECRET): keep one in your app’s .env',
    )
    .option('--timeout <duration>', 'how long your app may take to answer', parseDuration, DEFAULT_TIMEOUT_MS)
    .addHelpText(
      'after',
      `
Examples:
  $ mpesa-bridge listen --forward-to http://localhost:4242/webhooks
  $ mpesa-bridge listen -f http://localhost:4242/webhooks --events transaction.completed,transaction.failed

It prints the session's signing secret (whsec_…) once: give it to your app (e.g. as
MPESA_BRIDGE_WEBHOOK_SECRET) and verify with verifyWebhook from @mpesa-bridge/sdk or any Standard
Webhooks library. Then one line per event: time, type, payment, your app's answer and latency.
With --json: one JSON object per line. Stop with Ctrl-C.`,
    )
    .action(action(async (context: Context, options: ListenOptions) => listen(context, options)));
};

async function listen(context: Context, options: ListenOptions) {
  const { output } = context;
  const { color } = output;
  const target = forwardTarget(options.forwardTo);
  const secret =
    options.secret ?? context.env.MPESA_BRIDGE_LISTEN_SECRET ?? `whsec_${randomBytes(32).toString('base64')}`;
  let signer: Webhook;
  try {
    signer = new Webhook(secret);
  } catch {
    throw new CliError('--secret must be a whsec_… secret (base64 after the prefix)', {
      exit: EXIT.usage,
      code: 'usage',
    });
  }
  const credentials = context.credentials();
  const wanted = typeFilter(options.events);
  const seen = new Set<string>();
  let lastSeen: string | undefined;

  const forward = async (event: StreamEvent, via: 'live' | 'catch-up') => {
    if (seen.has(event.id) || !wanted(event.type)) return;
    seen.add(event.id);
    if (seen.size > SEEN_MAX) seen.delete(seen.values().next().value as string);
    if (!lastSeen || event.id > lastSeen) lastSeen = event.id;
    const result = await post(target, signer, event, options.timeout);
    if (output.json) {
      output.record({
        type: 'forwarded',
        via,
        event: {
          id: event.id,
          type: event.type,
          transactionId: event.transactionId,
          createdAt: event.createdAt,
        },
        ...result,
      });
      return;
    }
    const answer =
      result.status === null
        ? color.red(`failed: ${result.error}`)
        : (result.status >= 200 && result.status < 300 ? color.green : color.red)(`${result.status}`) +
          color.dim(` ${result.latencyMs} ms`);
    output.line(
      `${clock(event.createdAt)}  ${event.type.padEnd(24)}  ${(event.transactionId ?? '-').padEnd(30)}  → ${answer}${via === 'catch-up' ? color.dim('  (while disconnected)') : ''}`,
    );
  };

  let fatal: (error: CliError) => void = () => undefined;
  const failed = new Promise<CliError>((resolve) => (fatal = resolve));
  const stream = await followProject(credentials, {
    onEvent: (event) => void forward(event, 'live'),
    onLost: (reason) => output.note(color.yellow(`Connection lost (${reason}); reconnecting…`)),
    onBack: () => {
      output.note(color.green('Reconnected; forwarding what happened meanwhile.'));
      void catchUp(context, lastSeen, (event) => forward(event, 'catch-up')).catch((error: unknown) =>
        output.note(color.red(`Could not read the event log: ${(error as Error).message}`)),
      );
    },
    onFatal: (error) => fatal(error),
  });

  if (output.json) {
    output.record({
      type: 'ready',
      forwardTo: target.href,
      mode: credentials.mode,
      secret,
      events: options.events ?? ['*'],
    });
  } else {
    output.line(
      `${color.green('Ready.')} Forwarding ${credentials.mode}-mode events to ${color.bold(target.href)}${options.events ? ` (${options.events.join(', ')})` : ''}.`,
    );
    output.line(`Your webhook signing secret for this session: ${color.bold(secret)}`);
    output.line(
      color.dim(
        'Verify deliveries with it (verifyWebhook from @mpesa-bridge/sdk, or any Standard Webhooks library). Ctrl-C stops.',
      ),
    );
  }
  const ended = await Promise.race([untilInterrupted().then(() => undefined), failed]);
  stream.close();
  if (ended) throw ended;
}

function forwardTarget(value: string): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`--forward-to must be a URL such as http://localhost:4242/webhooks, not ${value}`, {
      exit: EXIT.usage,
      code: 'usage',
    });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw new CliError('--forward-to must be an http:// or https:// URL', {
      exit: EXIT.usage,
      code: 'usage',
    });
  return url;
}

/** Exact types, `transaction.*` for a family, or everything when no list is given. */
function typeFilter(types: string[] | undefined): (type: string) => boolean {
  if (!types || types.length === 0 || types.includes('*')) return () => true;
  return (type) =>
    types.some((wanted) => (wanted.endsWith('.*') ? type.startsWith(wanted.slice(0, -1)) : type === wanted));
}

interface ForwardResult {
  status: number | null;
  latencyMs: number;
  error?: string;
}

async function post(
  target: URL,
  signer: Webhook,
  event: StreamEvent,
  timeoutMs: number,
): Promise<ForwardResult> {
  // As the service's deliveries: webhook-id is the event id, the timestamp this attempt's.
  const sentAt = new Date();
  const headers = {
    'Content-Type': 'application/json',
    'User-Agent': CLI_USER_AGENT,
    'webhook-id': event.id,
    'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
    'webhook-signature': signer.sign(event.id, sentAt, event.payload),
  };
  const started = performance.now();
  try {
    const response = await fetch(target, {
      method: 'POST',
      headers,
      body: event.payload,
      redirect: 'manual',
      signal: AbortSignal.timeout(timeoutMs),
    });
    await response.arrayBuffer().catch(() => undefined);
    return { status: response.status, latencyMs: Math.round(performance.now() - started) };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const reason =
      (error as Error).name === 'TimeoutError'
        ? `no answer within ${timeoutMs} ms`
        : (cause?.code ?? cause?.message ?? (error as Error).message);
    return {
      status: null,
      latencyMs: Math.round(performance.now() - started),
      error: `${reason} (is your app listening on ${target.host}?)`,
    };
  }
}

/**
 * Events recorded after `lastSeen` (newest first in the log), oldest first. The stream has no
 * history; the log has. Its body is rebuilt as the service built it ({id, type, timestamp,
 * data}, event.build.ts), and it is signed here anyway, so the receiver verifies either way.
 */
async function catchUp(
  context: Context,
  lastSeen: string | undefined,
  forward: (event: StreamEvent) => Promise<void>,
) {
  if (!lastSeen) return;
  const missed: EventRecord[] = [];
  for await (const event of context.client().events.list({ limit: 100 })) {
    if (event.id <= lastSeen || missed.length >= CATCH_UP_MAX_EVENTS) break;
    missed.push(event);
  }
  for (const event of missed.reverse()) {
    await forward({
      id: event.id,
      type: event.type,
      transactionId: event.transactionId,
      createdAt: event.createdAt,
      payload: JSON.stringify({
        id: event.id,
        type: event.type,
        timestamp: event.createdAt,
        data: event.data,
      }),
    });
  }
}
