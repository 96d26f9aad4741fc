// Sample tabs (one language at a time, the same on every operation and remembered), and the
// reader's own values in the samples: this server's address always, the test public key of
// the project chosen when signed in to the dashboard. The secret key never comes to this page
// (it is shown once, when keys are made): the samples read it from the environment.
import type { ReferenceData } from './data';
import { all } from './dom';

const LANGUAGE_KEY = 'mpesa-bridge.reference.language';
/** Each code block's text as the server wrote it, placeholders in. */
const originals = new Map<HTMLElement, string>();

export function startSampleTabs(): void {
  const chosen = localStorage.getItem(LANGUAGE_KEY) ?? 'curl';
  for (const samples of all('.samples')) {
    const tabs = samples.querySelector<HTMLElement>('[role=tablist]');
    if (!tabs) continue;
    tabs.hidden = false;
    samples.classList.add('tabbed');
    tabs.addEventListener('click', (event) => {
      const tab = (event.target as Element).closest<HTMLElement>('[role=tab]');
      if (tab?.dataset.language) choose(tab.dataset.language, tab);
    });
    tabs.addEventListener('keydown', (event) => {
      if (event.key !== 'ArrowRight' && event.key !== 'ArrowLeft') return;
      const buttons = all<HTMLElement>('[role=tab]', tabs);
      const at = buttons.indexOf(document.activeElement as HTMLElement);
      const next = buttons[(at + (event.key === 'ArrowRight' ? 1 : buttons.length - 1)) % buttons.length];
      if (next?.dataset.language) choose(next.dataset.language, next);
      next?.focus();
    });
  }
  choose(chosen);
}

/** Shows `language` in every operation's samples; `anchor` stays where it is on the screen. */
function choose(language: string, anchor?: HTMLElement): void {
  const before = anchor?.getBoundingClientRect().top;
  localStorage.setItem(LANGUAGE_KEY, language);
  for (const tab of all('.samples [role=tab]')) {
    const selected = tab.dataset.language === language;
    tab.setAttribute('aria-selected', String(selected));
    tab.tabIndex = selected ? 0 : -1;
  }
  for (const panel of all('.samples [role=tabpanel]')) panel.hidden = panel.dataset.language !== language;
  // Other operations' samples change height above this one: keep the clicked tab in place.
  if (anchor && before !== undefined) window.scrollBy(0, anchor.getBoundingClientRect().top - before);
}

/** Writes the reader's values over the placeholders of every sample. */
export function fillSamples(placeholders: ReferenceData['placeholders'], publicKey?: string): void {
  for (const code of all('.samples pre code')) {
    if (!originals.has(code)) originals.set(code, code.textContent ?? '');
    let text = originals.get(code)!.replaceAll(placeholders.baseUrl, window.location.origin);
    if (publicKey) text = text.replaceAll(placeholders.publicKey, publicKey);
    code.textContent = text;
  }
}
