// The reference page's script (GET /docs, src/openapi/docs.page.ts), built beside the dashboard
// into dashboard/build/reference.js: the page reads well without it; with it, it gets a search
// box, copy buttons, sample tabs, the reader's own test key and "Try it" in test mode.
import type { Project } from '@mpesa-bridge/sdk/types';
import { addCopyButtons } from './copy';
import { readReferenceData } from './data';
import { currentSession, showReader } from './reader';
import { fillSamples, startSampleTabs } from './samples';
import { startSearch } from './search';
import { startTryIt } from './try-it';

async function start(): Promise<void> {
  const data = readReferenceData();
  startSearch(data.search);
  startSampleTabs();
  fillSamples(data.placeholders);
  addCopyButtons();
  const session = await currentSession();
  let project: Project | undefined;
  showReader(session, (chosen) => {
    project = chosen;
    fillSamples(data.placeholders, chosen.keys.test?.publicKey);
  });
  startTryIt(data.tryIt, session && project ? { session, project: () => project! } : undefined);
  document.body.dataset.referenceReady = session ? 'signed-in' : 'signed-out';
}

void start();
