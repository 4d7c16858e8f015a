// Debian's Chromium driven by playwright-core, for the browser test and the bench. A fresh profile
// per launch, and every request that is not file:// refused and recorded: the report must work offline.
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';

export const CHROMIUM_PATH = process.env.SEEP_CHROMIUM ?? '/usr/bin/chromium';

const ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface OfflineBrowser {
  context: BrowserContext;
  /** URLs the page tried to fetch that were not file:// (and were refused) */
  blocked: string[];
  close(): Promise<void>;
}

export async function launchChromium(viewport = { width: 1300, height: 900 }): Promise<OfflineBrowser> {
  const profile = await mkdtemp(path.join(os.tmpdir(), 'seep-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM_PATH, headless: true, args: ARGS, viewport, timeout: 30_000 });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw err;
  }
  const blocked: string[] = [];
  await context.route('**/*', (route) => {
    const url = route.request().url();
    if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
    blocked.push(url);
    return route.abort();
  });
  return {
    context,
    blocked,
    async close() {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
