// The one version: package.json's, read where the package is installed (harness/ and dist/ both sit
// one level below the package root). Read as a file, not through require: `seep --version` loads
// this module and nothing else of seep's (cli/seep.ts).
import { readFileSync } from 'node:fs';

export const SEEP_VERSION: string = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
