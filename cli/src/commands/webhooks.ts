// `webhooks list | create | rotate | replay-failed`: the project's webhook endpoints. A signing
// secret is printed once, when it is made (create, rotate), as the service shows it once.
import type { EventTypeSelector, WebhookEndpoint } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { parseDuration, parseList, parseSince } from '../format';

const endpointRow = (endpoint: WebhookEndpoint, context: Context) => [
  endpoint.id,
  endpoint.url,
  endpoint.enabled
    ? context.output.color.green('enabled')
    : context.output.color.red(`disabled${endpoint.disabledReason ? ` (${endpoint.disabledReason})` : ''}`),
  endpoint.eventTypes.join(','),
  endpoint.failingSince ? `failing since ${endpoint.failingSince}` : '',
];
const COLUMNS = ['ID', 'URL', 'STATE', 'EVENTS', 'HEALTH'];

export const registerWebhooks: Registrar = (program, action) => {
  const webhooks = program
    .command('webhooks')
    .description('Webhook endpoints: list, create, rotate the secret, replay failed deliveries');

  webhooks
    .command('list')
    .description('Endpoints of the key’s mode')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge webhooks list')
    .action(
      action(async (context: Context) => {
        const endpoints = await context.client().webhookEndpoints.list();
        const { output } = context;
        if (output.json) return output.data({ data: endpoints });
        if (endpoints.length === 0)
          return output.note(
            'No endpoints. Add one with `mpesa-bridge webhooks create --url https://…`, or use `mpesa-bridge listen` while developing.',
          );
        output.table(
          COLUMNS,
          endpoints.map((endpoint) => endpointRow(endpoint, context)),
        );
      }),
    );

  webhooks
    .command('create')
    .description('Register an endpoint; prints its signing secret once')
    .requiredOption(
      '--url <url>',
      'https:// URL of your server (http and local addresses only in simulator mode)',
    )
    .option('--events <types>', 'event types it wants, comma-separated (default: all)', parseList)
    .option('--description <text>', 'a note for yourself')
    .addHelpText(
      'after',
      '\nExample:\n  $ mpesa-bridge webhooks create --url https://shop.example.com/webhooks/mpesa --events transaction.completed,transaction.failed',
    )
    .action(
      action(async (context: Context, options: { url: string; events?: string[]; description?: string }) => {
        const created = await context.client().webhookEndpoints.create({
          url: options.url,
          eventTypes: options.events as EventTypeSelector[] | undefined,
          description: options.description,
        });
        const { output } = context;
        if (output.json) return output.data(created);
        output.table(COLUMNS, [endpointRow(created.endpoint, context)]);
        output.line(
          `Signing secret (shown once, keep it in your server's secrets): ${output.color.bold(created.secret)}`,
        );
      }),
    );

  webhooks
    .command('rotate')
    .description('A new signing secret; the old one keeps signing beside it for the overlap')
    .argument('<id>', 'the endpoint')
    .option(
      '--overlap <duration>',
      'how long the old secret keeps signing (default: the service’s, 24h)',
      parseDuration,
    )
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge webhooks rotate we_… --overlap 1h')
    .action(
      action(async (context: Context, id: string, options: { overlap?: number }) => {
        const rotated = await context
          .client()
          .webhookEndpoints.rotateSecret(
            id,
            options.overlap === undefined ? {} : { overlapSeconds: Math.round(options.overlap / 1000) },
          );
        const { output } = context;
        if (output.json) return output.data(rotated);
        output.line(`New signing secret (shown once): ${output.color.bold(rotated.secret)}`);
        if (rotated.endpoint.previousSecretExpiresAt)
          output.line(
            output.color.dim(
              `The old secret keeps signing until ${rotated.endpoint.previousSecretExpiresAt}.`,
            ),
          );
      }),
    );

  webhooks
    .command('replay-failed')
    .description('Send again every delivery to an endpoint that failed for good since a time')
    .argument('<id>', 'the endpoint')
    .requiredOption('--since <when>', 'ISO date-time, or a duration back from now (24h)', parseSince)
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge webhooks replay-failed we_… --since 24h')
    .action(
      action(async (context: Context, id: string, options: { since: string }) => {
        const result = await context.client().webhookEndpoints.redeliverFailed(id, { since: options.since });
        const { output } = context;
        if (output.json) return output.data(result);
        output.line(
          `Sending ${result.redelivered} failed deliver${result.redelivered === 1 ? 'y' : 'ies'} again.`,
        );
      }),
    );
};
