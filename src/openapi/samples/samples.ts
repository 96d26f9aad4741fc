// Every operation's samples in the four languages the reference shows, written from the OpenAPI
// document alone (sample.request.ts), so they change with the declarations and cannot drift.
// tests/reference runs each of them against a real service.
import { curlSample } from './sample.curl';
import { nodeSample } from './sample.node';
import { phpSample } from './sample.php';
import { pythonSample } from './sample.python';
import type { SampleRequest } from './sample.request';

export const SAMPLE_LANGUAGES = [
  { id: 'curl', label: 'curl', file: 'sample.sh' },
  { id: 'node', label: 'Node', file: 'sample.mjs' },
  { id: 'python', label: 'Python', file: 'sample.py' },
  { id: 'php', label: 'PHP', file: 'sample.php' },
] as const;

export type SampleLanguage = (typeof SAMPLE_LANGUAGES)[number]['id'];

const WRITERS: Record<SampleLanguage, (request: SampleRequest) => string> = {
  curl: curlSample,
  node: nodeSample,
  python: pythonSample,
  php: phpSample,
};

export function samplesOf(request: SampleRequest): Record<SampleLanguage, string> {
  return Object.fromEntries(SAMPLE_LANGUAGES.map(({ id }) => [id, WRITERS[id](request)])) as Record<
    SampleLanguage,
    string
  >;
}
