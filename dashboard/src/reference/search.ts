// The search box: every operation, field and error code of the page (its data, built on the
// server), matched word by word as the reader types; Enter follows the first result.
import type { SearchEntry } from './data';
import { el } from './dom';

const MAX_RESULTS = 12;
const KIND_LABELS: Record<SearchEntry['kind'], string> = {
  operation: 'operation',
  field: 'field',
  error: 'error code',
  webhook: 'webhook',
  event: 'Socket.io event',
};

export function startSearch(entries: SearchEntry[]): void {
  const form = document.querySelector<HTMLFormElement>('form.search');
  const input = document.querySelector<HTMLInputElement>('#search');
  const results = document.querySelector<HTMLUListElement>('#search-results');
  if (!form || !input || !results) return;
  form.hidden = false;
  const prepared = entries.map((entry) => ({
    entry,
    title: entry.title.toLowerCase(),
    text: `${entry.title} ${entry.detail}`.toLowerCase(),
  }));

  const show = () => {
    const words = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    results.replaceChildren();
    if (!words.length) return;
    const found = prepared
      .filter(({ text }) => words.every((word) => text.includes(word)))
      .map((candidate) => ({ ...candidate, rank: rank(candidate.title, words) }))
      .sort((a, b) => a.rank - b.rank || a.title.length - b.title.length)
      .slice(0, MAX_RESULTS);
    if (!found.length) {
      results.append(el('li', { class: 'none' }, ['Nothing matches']));
      return;
    }
    for (const { entry } of found)
      results.append(
        el('li', {}, [
          el('a', { href: entry.href }, [
            el('span', { class: `kind ${entry.kind}` }, [KIND_LABELS[entry.kind]]),
            ' ',
            el('strong', {}, [entry.title]),
            entry.detail && el('small', {}, [entry.detail]),
          ]),
        ]),
      );
  };

  input.addEventListener('input', show);
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    results.querySelector('a')?.click();
  });
}

/** Lower is better: the title is the query, starts with it, holds it, or only the detail does. */
function rank(title: string, words: string[]): number {
  const query = words.join(' ');
  if (title === query) return 0;
  if (title.startsWith(query)) return 1;
  if (words.every((word) => title.includes(word))) return 2;
  return 3;
}
