// What the server put in the page for this script (src/openapi/docs.page.ts, `reference-data`).
export interface SearchEntry {
  kind: 'operation' | 'field' | 'error' | 'webhook' | 'event';
  title: string;
  detail: string;
  href: string;
}

export interface TryItOperation {
  method: string;
  path: string;
  params: { name: string; example: string }[];
  query: { name: string; example?: string }[];
  body?: string;
}

export interface ReferenceData {
  placeholders: { baseUrl: string; publicKey: string };
  search: SearchEntry[];
  tryIt: Record<string, TryItOperation>;
}

export function readReferenceData(): ReferenceData {
  return JSON.parse(document.getElementById('reference-data')?.textContent ?? '{}') as ReferenceData;
}
