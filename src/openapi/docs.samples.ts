// An operation's samples on the reference page: one tab per language (all four shown one under
// the other until the page's script makes them tabs), and, for a signed operation, the place
// the script puts "Try it" for a reader signed in to the dashboard.
import { escapeHtml } from './docs.markdown';
import type { SampleRequest } from './samples/sample.request';
import { SAMPLE_LANGUAGES, samplesOf } from './samples/samples';

export function samplesBlock(request: SampleRequest): string {
  const samples = samplesOf(request);
  const id = (language: string) => `sample-${request.operationId}-${language}`;
  const tabs = SAMPLE_LANGUAGES.map(
    ({ id: language, label }, index) =>
      `<button type="button" role="tab" id="${id(language)}-tab" aria-controls="${id(language)}" aria-selected="${index === 0}" data-language="${language}">${escapeHtml(label)}</button>`,
  ).join('');
  const panels = SAMPLE_LANGUAGES.map(
    ({ id: language, label }) =>
      `<div class="sample" role="tabpanel" id="${id(language)}" aria-labelledby="${id(language)}-tab" data-language="${language}">` +
      `<p class="sample-label">${escapeHtml(label)}</p><pre><code>${escapeHtml(samples[language])}</code></pre></div>`,
  ).join('');
  const tryIt =
    request.auth === 'signature'
      ? `<div class="try-it" data-operation="${escapeHtml(request.operationId)}"></div>`
      : '';
  return (
    `<h4>Samples</h4><div class="samples" data-operation="${escapeHtml(request.operationId)}">` +
    `<div class="sample-tabs" role="tablist" aria-label="Sample language" hidden>${tabs}</div>${panels}</div>${tryIt}`
  );
}

/** What "Try it" needs to build a request: the operation's method, path and sample inputs. */
export interface TryItOperation {
  method: string;
  /** The path template: `/api/v1/transactions/{id}`. */
  path: string;
  params: { name: string; example: string }[];
  query: { name: string; example?: string }[];
  /** The sample body, as JSON text. */
  body?: string;
}

export function tryItOperation(
  path: string,
  request: SampleRequest,
  parameters: { name: string; in: string; example?: unknown }[],
): TryItOperation {
  const names = [...path.matchAll(/\{(\w+)\}/g)].map((match) => match[1]!);
  return {
    method: request.method.toUpperCase(),
    path,
    params: names.map((name, index) => ({ name, example: request.pathValues[index]! })),
    query: parameters
      .filter((parameter) => parameter.in === 'query')
      .map((parameter) => ({
        name: parameter.name,
        ...(parameter.example === undefined ? {} : { example: String(parameter.example) }),
      })),
    ...(request.body === undefined ? {} : { body: JSON.stringify(request.body, null, 2) }),
  };
}
