// Debian's Chromium driven by playwright-core, started the way this machine's closed network
// needs (no background traffic, no QUIC, no sandbox as root), and where screenshots go.
import fs from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = path.join(__dirname, '..', '..', 'artifacts');

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM))
    throw new Error(`No Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

export const artifact = (name: string) => path.join(ARTIFACTS, `${name}.png`);

// The little of the DOM the page function below reads (the tests compile without lib.dom).
interface PageElement {
  tagName: string;
  className: unknown;
  id: string;
  scrollWidth: number;
  clientWidth: number;
  getBoundingClientRect(): { left: number; right: number; width: number };
  closest(selector: string): PageElement | null;
}
interface PageDocument {
  documentElement: PageElement;
  querySelectorAll(selector: string): Iterable<PageElement>;
}

/**
 * Runs in the page (page.evaluate): what sticks out sideways. The page's own horizontal scroll,
 * and each matching element whose content is wider than its box or that reaches past the viewport.
 */
export function horizontalOverflow(selector: string): {
  page: { scrollWidth: number; clientWidth: number };
  elements: string[];
} {
  const { document } = globalThis as unknown as { document: PageDocument };
  const root = document.documentElement;
  const describe = (element: PageElement) => {
    const anchor = element.closest('[id]')?.id ?? 'page';
    return `${element.tagName.toLowerCase()}${element.className ? `.${String(element.className).split(' ').join('.')}` : ''} in #${anchor}`;
  };
  const elements = [...document.querySelectorAll(selector)].flatMap((element) => {
    const box = element.getBoundingClientRect();
    if (box.width === 0) return [];
    const problems: string[] = [];
    if (element.scrollWidth > element.clientWidth + 1)
      problems.push(
        `${describe(element)}: content ${element.scrollWidth} px wide in ${element.clientWidth} px`,
      );
    if (box.left < -1 || box.right > root.clientWidth + 1)
      problems.push(
        `${describe(element)}: spans ${Math.round(box.left)}..${Math.round(box.right)} px of ${root.clientWidth}`,
      );
    return problems;
  });
  return { page: { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth }, elements };
}
