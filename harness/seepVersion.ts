// The one version: package.json's, read where the package is installed (harness/ and dist/ both sit
// one level below the package root).
import { createRequire } from 'node:module';

export const SEEP_VERSION: string = (createRequire(import.meta.url)('../package.json') as { version: string }).version;
