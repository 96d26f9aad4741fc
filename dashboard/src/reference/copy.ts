// A copy button on every code block. The Clipboard API needs a secure context (https, or
// localhost); elsewhere the code is selected and copied the old way.
import { all, el } from './dom';

export function addCopyButtons(): void {
  for (const pre of all<HTMLPreElement>('main pre')) addCopyButton(pre);
}

export function addCopyButton(pre: HTMLElement): void {
  const code = pre.querySelector('code') ?? pre;
  const button = el('button', { type: 'button', class: 'copy', 'aria-label': 'Copy code' }, ['Copy']);
  button.addEventListener('click', () => {
    void copy(code).then((copied) => {
      button.textContent = copied ? 'Copied' : 'Press Ctrl+C';
      window.setTimeout(() => (button.textContent = 'Copy'), 1500);
    });
  });
  pre.classList.add('copyable');
  pre.prepend(button);
}

async function copy(code: Element): Promise<boolean> {
  const text = code.textContent ?? '';
  if (window.isSecureContext && navigator.clipboard) {
    try {
      await navigator.clipboard.writeText(text);
      return true;
    } catch {
      // Refused (no permission): fall through to the selection.
    }
  }
  const range = document.createRange();
  range.selectNodeContents(code);
  const selection = window.getSelection();
  selection?.removeAllRanges();
  selection?.addRange(range);
  return document.execCommand('copy');
}
