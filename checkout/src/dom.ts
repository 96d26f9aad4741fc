// A few lines of DOM building: every text goes in as a text node, never as HTML.
type Attributes = Record<string, string | boolean | undefined | ((event: Event) => void)>;
type Child = Node | string | false | null | undefined;

export function h(tag: string, attributes: Attributes = {}, ...children: Child[]): HTMLElement {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (typeof value === 'function') element.addEventListener(name.slice(2).toLowerCase(), value);
    else if (value === true) element.setAttribute(name, '');
    else element.setAttribute(name, value);
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

export const money = (amount: number) => amount.toLocaleString('en-KE');
