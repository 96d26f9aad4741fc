// `events list | get | resend`: the event log behind webhooks, every delivery attempt, and replay.
import type { EventFilters, WebhookEventType } from '@mpesa-bridge/sdk';
import type { Registrar } from '../main';
import type { Context } from '../context';
import { clock } from '../format';

interface ListOptions {
  type?: WebhookEventType;
  transaction?: string;
  limit: string;
}

export const registerEvents: Registrar = (program, action) => {
  const events = program
    .command('events')
    .description('The event log: list, show with every delivery attempt, resend');

  events
    .command('list')
    .description('Events of the key’s mode, newest first')
    .option('--type <type>', 'only this type, e.g. transaction.completed')
    .option('--transaction <txn_id>', 'only this payment’s')
    .option('--limit <n>', 'how many (1–100)', '20')
    .addHelpText(
      'after',
      '\nExamples:\n  $ mpesa-bridge events list --type transaction.failed\n  $ mpesa-bridge events list --transaction txn_… --json',
    )
    .action(
      action(async (context: Context, options: ListOptions) => {
        const filters: EventFilters = {
          type: options.type,
          transactionId: options.transaction,
          limit: Number(options.limit),
        };
        const page = await context.client().events.list(filters);
        const { output } = context;
        if (output.json) return output.data(page);
        if (page.data.length === 0) return output.note('No events match.');
        output.table(
          ['ID', 'TYPE', 'TRANSACTION', 'CREATED'],
          page.data.map((e) => [e.id, e.type, e.transactionId ?? '', e.createdAt]),
        );
      }),
    );

  events
    .command('get')
    .description('One event, and where it was delivered, attempt by attempt')
    .argument('<id>', 'evt_…')
    .addHelpText('after', '\nExample:\n  $ mpesa-bridge events get evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1')
    .action(
      action(async (context: Context, id: string) => {
        const detail = await context.client().events.get(id);
        const { output } = context;
        if (output.json) return output.data(detail);
        output.line(
          `${detail.event.id}  ${detail.event.type}  ${detail.event.transactionId ?? ''}  ${detail.event.createdAt}`,
        );
        if (detail.deliveries.length === 0)
          return output.note(
            'No deliveries: no endpoint wanted it. Resend it to one with `mpesa-bridge events resend`.',
          );
        const rows = detail.deliveries.flatMap((delivery) =>
          (delivery.attemptLog ?? []).map((attempt) => [
            delivery.endpointId,
            delivery.status,
            clock(attempt.attemptedAt),
            attempt.statusCode === null ? (attempt.error ?? '') : String(attempt.statusCode),
            `${attempt.latencyMs ?? ''} ms`,
          ]),
        );
        output.table(['ENDPOINT', 'DELIVERY', 'ATTEMPT AT', 'ANSWER', 'LATENCY'], rows);
      }),
    );

  events
    .command('resend')
    .description('Send an event again (same id, same body) to one endpoint or every endpoint that wants it')
    .argument('<id>', 'evt_…')
    .option('--endpoint <ep_id>', 'only to this endpoint')
    .addHelpText(
      'after',
      '\nExample:\n  $ mpesa-bridge events resend evt_0mbq3k2a1f3a9c2e7d4b5a6c8e0f1 --endpoint we_…',
    )
    .action(
      action(async (context: Context, id: string, options: { endpoint?: string }) => {
        const result = await context
          .client()
          .events.redeliver(id, options.endpoint ? { endpointId: options.endpoint } : {});
        const { output } = context;
        if (output.json) return output.data(result);
        output.line(
          `Queued ${result.deliveries.length} deliver${result.deliveries.length === 1 ? 'y' : 'ies'}: ${result.deliveries.map((d) => d.endpointId).join(', ') || '(no endpoint wants it)'}`,
        );
      }),
    );
};
