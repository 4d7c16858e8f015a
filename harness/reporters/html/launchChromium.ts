// Chromium driven by playwright-core, for the browser test and the bench. A fresh profile per launch,
// and every request that is not file: or data: refused and recorded: the report must work offline.
// This is the only file that knows which Chromium runs and how it is started.
import { constants, createReadStream, createWriteStream } from 'node:fs';
import { access, mkdir, mkdtemp, readFile, rename, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createBrotliDecompress } from 'node:zlib';
import { chromium, type BrowserContext } from 'playwright-core';

// Playwright passes --headless and --no-sandbox itself. No GPU here; the rest keep Chromium from
// calling Google's hosts at start, which this machine's closed network refuses many times over. No
// --single-process, which @sparticuz/chromium recommends for Lambda: with it launchPersistentContext
// fails at once ("Target page, context or browser has been closed"; its 153.0.0, playwright-core 1.65).
const ARGS = ['--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

// Chromium takes its locale from LANG; under C or C.UTF-8 (this machine's) the headless shell says
// navigator.language is 'en-US@posix', which Intl.NumberFormat rejects, and uPlot's first line throws.
// A fixed locale also keeps the numbers in the screenshots the same on every machine.
const LOCALE = 'en-US';

const SYSTEM_CHROMIUMS = ['/usr/bin/chromium'];
const ON_PATH = ['chromium', 'chromium-browser', 'google-chrome'];
const BUNDLED = '@sparticuz/chromium';

export interface ChromiumBinary {
  path: string;
  /** where it came from, for a bench or a failure to print */
  from: string;
}

export interface OfflineBrowser {
  context: BrowserContext;
  chromium: ChromiumBinary;
  /** URLs the page tried to fetch that were not file:// (and were refused) */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Which Chromium, in this order:
 * 1. SEEP_CHROMIUM, for whoever wants a particular build; if it is set it must work, no fallback.
 * 2. A system Chromium (Debian's /usr/bin/chromium, or chromium, chromium-browser, google-chrome on
 *    PATH): already unpacked, kept up to date by the machine, what its users run.
 * 3. The headless shell that @sparticuz/chromium ships inside its npm tarball, so that `npm ci && npm
 *    test` runs the browser test on a fresh machine with no apt-get and nothing fetched from any host
 *    but the npm registry (playwright's own `install chromium` downloads from a CDN, which we can't).
 */
async function findChromium(): Promise<ChromiumBinary> {
  const fromEnv = process.env.SEEP_CHROMIUM;
  if (fromEnv) {
    if (!(await isExecutable(fromEnv))) throw new Error(`SEEP_CHROMIUM=${fromEnv} is not an executable file`);
    return { path: fromEnv, from: 'SEEP_CHROMIUM' };
  }
  const dirs = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean);
  const candidates = [...SYSTEM_CHROMIUMS, ...ON_PATH.flatMap((name) => dirs.map((d) => path.join(d, name)))];
  for (const candidate of candidates) {
    if (await isExecutable(candidate)) return { path: candidate, from: 'system' };
  }
  return bundledChromium();
}

async function isExecutable(file: string): Promise<boolean> {
  try {
    await access(file, constants.X_OK);
    return true;
  } catch {
    // absent or not executable: the answer to the question, not an error to report
    return false;
  }
}

/**
 * Unpacks the package's brotli-compressed binary (about 67 MB packed, 209 MB unpacked, 2 s) once
 * into node_modules/.cache, named by the package's version, and reuses it. Not its executablePath():
 * that writes the binary, fonts and SwiftShader libraries loose into /tmp, keeps them there, and
 * reuses any /tmp/chromium whatever version left it. None of the package's JavaScript runs, so its
 * engines field (Node 22) does not bear on our Node 20; npm ci only warns. The shell needs libnss3
 * and libnspr4, which this machine's image has; its fonts come from the system's fontconfig.
 */
async function bundledChromium(): Promise<ChromiumBinary> {
  if (process.platform !== 'linux' || process.arch !== 'x64') {
    throw new Error(`no system Chromium found, and ${BUNDLED} ships an x86-64 Linux binary only (this is ${process.platform}-${process.arch}): install chromium or set SEEP_CHROMIUM`);
  }
  // the package exports only its entry point (build/index.js); its binaries sit in ../bin
  const pkgDir = path.resolve(path.dirname(createRequire(import.meta.url).resolve(BUNDLED)), '..');
  const { version } = JSON.parse(await readFile(path.join(pkgDir, 'package.json'), 'utf8')) as { version: string };
  const cacheDir = path.resolve(pkgDir, '..', '..', '.cache', 'seep', `chromium-${version}`);
  const binary = path.join(cacheDir, 'chromium');
  const from = `${BUNDLED} ${version}`;
  if (await isExecutable(binary)) return { path: binary, from };
  await mkdir(cacheDir, { recursive: true });
  // unpack beside it and rename, so a concurrent launch never runs a half-written binary
  const partial = `${binary}.${process.pid}.partial`;
  try {
    await pipeline(createReadStream(path.join(pkgDir, 'bin', 'chromium.br')), createBrotliDecompress(), createWriteStream(partial, { mode: 0o755 }));
    await rename(partial, binary);
  } catch (err) {
    await rm(partial, { force: true });
    throw new Error(`unpacking ${from} into ${cacheDir} failed`, { cause: err });
  }
  return { path: binary, from };
}

export async function launchChromium(viewport = { width: 1300, height: 900 }): Promise<OfflineBrowser> {
  const binary = await findChromium();
  const profile = await mkdtemp(path.join(os.tmpdir(), 'seep-chromium-'));
  let context: BrowserContext;
  try {
    context = await chromium.launchPersistentContext(profile, { executablePath: binary.path, headless: true, args: ARGS, viewport, locale: LOCALE, timeout: 30_000 });
  } catch (err) {
    await rm(profile, { recursive: true, force: true });
    throw new Error(`launching ${binary.path} (${binary.from}) failed`, { cause: err });
  }
  const close = async (): Promise<void> => {
    await context.close();
    await rm(profile, { recursive: true, force: true });
  };
  const blocked: string[] = [];
  try {
    await context.route('**/*', (route) => {
      const url = route.request().url();
      if (url.startsWith('file:') || url.startsWith('data:')) return route.continue();
      blocked.push(url);
      return route.abort();
    });
  } catch (err) {
    // a browser that cannot be kept offline is not handed out, nor left running
    await close();
    throw err;
  }
  return { context, chromium: binary, blocked, close };
}
