// The page's script and styles, read at render time and inlined so the report opens from disk
// with no network: uPlot from node_modules (not committed), our chart script and stylesheet beside this file.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

export interface PageAssets {
  uplotJs: string;
  uplotCss: string;
  chartsJs: string;
  /** runs before uPlot: a locale tag Intl rejects would stop every chart */
  localeGuardJs: string;
  css: string;
}

let cached: Promise<PageAssets> | undefined;

export function pageAssets(): Promise<PageAssets> {
  cached ??= (async () => {
    const [uplotJs, uplotCss, chartsJs, css, localeGuardJs] = await Promise.all([
      readFile(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      readFile(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
      readFile(fileURLToPath(new URL('./chartsClient.js', import.meta.url)), 'utf8'),
      readFile(fileURLToPath(new URL('./report.css', import.meta.url)), 'utf8'),
      readFile(fileURLToPath(new URL('./localeGuard.js', import.meta.url)), 'utf8'),
    ]);
    return { uplotJs, uplotCss, chartsJs, css, localeGuardJs };
  })();
  return cached;
}

/** Inline script text must not contain "</script" (it would end the element early). */
export function inlineScript(js: string): string {
  if (/<\/script/i.test(js)) throw new Error('inline script contains "</script"; cannot inline it safely');
  return js;
}
