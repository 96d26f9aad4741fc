// "Try it": a signed operation sent from this page in test mode, through the reader's
// dashboard session (the cookie, X-Project-Id, X-Mode: test and the session's CSRF token on
// writes, as the dashboard's pages call the API), showing the answer and then the events it
// caused (GET /api/v1/events, newest first, polled for a few seconds).
import type { DashboardSession, EventRecord, Project } from '@mpesa-bridge/sdk/types';
import type { TryItOperation } from './data';
import { addCopyButton } from './copy';
import { all, el } from './dom';

const EVENT_POLL_MS = 700;
const EVENT_WAIT_MS = 8_000;
const FINAL_EVENTS = /^transaction\.(completed|failed|cancelled|expired)$/;

interface Context {
  session: DashboardSession;
  project(): Project;
}

export function startTryIt(operations: Record<string, TryItOperation>, context: Context | undefined): void {
  for (const slot of all('.try-it')) {
    const operation = operations[slot.dataset.operation ?? ''];
    if (!operation) continue;
    slot.replaceChildren(
      context
        ? form(slot.dataset.operation!, operation, context)
        : el('p', { class: 'notes' }, [
            'Try it: ',
            el('a', { href: '/dashboard/' }, ['sign in to the dashboard']),
            ' to send this request in test mode from here.',
          ]),
    );
  }
}

function form(operationId: string, operation: TryItOperation, context: Context): HTMLElement {
  const id = (name: string) => `try-${operationId}-${name}`;
  const field = (name: string, label: string, value = '') => {
    const input = el('input', { id: id(name), name, value, autocomplete: 'off' });
    return {
      input,
      row: el('div', { class: 'try-field' }, [el('label', { for: id(name) }, [label]), input]),
    };
  };
  const params = operation.params.map((param) => ({
    ...param,
    ...field(`path-${param.name}`, `${param.name} (path)`, param.example),
  }));
  const query = operation.query.map((param) => ({
    ...param,
    ...field(`query-${param.name}`, `${param.name} (query, optional)`, param.example),
  }));
  const body =
    operation.body === undefined
      ? undefined
      : el(
          'textarea',
          {
            id: id('body'),
            name: 'body',
            rows: String(Math.min(12, operation.body.split('\n').length + 1)),
            spellcheck: 'false',
          },
          [operation.body],
        );
  const send = el('button', { type: 'submit' }, [`Send ${operation.method} in test mode`]);
  const output = el('div', { class: 'try-output', 'aria-live': 'polite' });
  const details = el('details', { class: 'try' }, [
    el('summary', {}, ['Try it (test mode)']),
    el('form', {}, [
      ...params.map((param) => param.row),
      ...query.map((param) => param.row),
      body && el('div', { class: 'try-field' }, [el('label', { for: id('body') }, ['Body (JSON)']), body]),
      send,
    ]),
    output,
  ]);
  details.querySelector('form')!.addEventListener('submit', (event) => {
    event.preventDefault();
    send.disabled = true;
    let path = operation.path;
    for (const param of params)
      path = path.replace(`{${param.name}}`, encodeURIComponent(param.input.value.trim()));
    const search = new URLSearchParams(
      query
        .filter((param) => param.input.value.trim() !== '')
        .map((param) => [param.name, param.input.value.trim()]),
    ).toString();
    void run(operation.method, search ? `${path}?${search}` : path, body?.value, context, output).finally(
      () => (send.disabled = false),
    );
  });
  return details;
}

async function run(
  method: string,
  path: string,
  body: string | undefined,
  context: Context,
  output: HTMLElement,
) {
  const project = context.project();
  const headers: Record<string, string> = {
    Accept: 'application/json',
    'X-Project-Id': project.id,
    // Test mode only: this page never sends a live request.
    'X-Mode': 'test',
  };
  if (method !== 'GET') headers['X-CSRF-Token'] = context.session.csrfToken;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  output.replaceChildren(el('p', { class: 'notes' }, [`${method} ${path} …`]));
  const before = await newestEventId(project);
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers,
    ...(body === undefined ? {} : { body }),
  }).catch((error: unknown) => error as Error);
  if (response instanceof Error) {
    output.replaceChildren(el('p', { class: 'try-status err' }, [`No answer: ${response.message}`]));
    return;
  }
  const text = await response.text();
  const answer = parse(text);
  const events = el('div', { class: 'try-events' }, [el('p', { class: 'notes' }, ['Waiting for events…'])]);
  const answerBlock = el('pre', { class: 'try-answer' }, [
    el('code', {}, [answer === undefined ? text : JSON.stringify(answer, null, 2)]),
  ]);
  addCopyButton(answerBlock);
  output.replaceChildren(
    el('p', { class: `try-status ${response.ok ? 'ok' : 'err'}` }, [
      `${response.status} ${response.statusText}`,
    ]),
    el('h5', {}, ['Answer']),
    answerBlock,
    el('h5', {}, ['Events']),
    events,
  );
  const transactionId = (answer as { transaction?: { id?: string } } | undefined)?.transaction?.id;
  await followEvents(project, before, transactionId, events);
}

async function newestEventId(project: Project): Promise<string | undefined> {
  return (await listEvents(project))?.[0]?.id;
}

async function listEvents(project: Project): Promise<EventRecord[] | undefined> {
  const response = await fetch('/api/v1/events?limit=50', {
    credentials: 'same-origin',
    headers: { Accept: 'application/json', 'X-Project-Id': project.id, 'X-Mode': 'test' },
  }).catch(() => undefined);
  return response?.ok ? ((await response.json()) as { data: EventRecord[] }).data : undefined;
}

/** Shows the events newer than `before` (of the answer's transaction, when it names one) as they come. */
async function followEvents(
  project: Project,
  before: string | undefined,
  transactionId: string | undefined,
  into: HTMLElement,
) {
  const deadline = Date.now() + EVENT_WAIT_MS;
  let shown: EventRecord[] = [];
  for (;;) {
    const listed = (await listEvents(project)) ?? [];
    const at = before ? listed.findIndex((event) => event.id === before) : -1;
    const fresh = (at < 0 ? listed : listed.slice(0, at)).filter(
      (event) => !transactionId || event.transactionId === transactionId,
    );
    if (fresh.length !== shown.length) {
      shown = fresh;
      into.replaceChildren(
        el(
          'ul',
          { class: 'events' },
          [...shown]
            .reverse()
            .map((event) =>
              el('li', {}, [
                el('code', {}, [event.type]),
                ` ${event.id} · ${new Date(event.createdAt).toLocaleTimeString()}`,
              ]),
            ),
        ),
      );
    }
    const settled = shown.some((event) => FINAL_EVENTS.test(event.type));
    if (settled || Date.now() > deadline) break;
    await new Promise((resolve) => window.setTimeout(resolve, EVENT_POLL_MS));
  }
  if (!shown.length)
    into.replaceChildren(
      el('p', { class: 'notes' }, ['No events (this operation records none, or none yet).']),
    );
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
