// Resolve hooks of seepSpecifier.ts, run in Node's loader thread (plain JavaScript, so the same file
// serves seep built and seep run from source): a bare 'seep' the project cannot resolve is resolved
// from inside the running seep, which resolves its own name through its exports.
import { pathToFileURL } from 'node:url';

let insideUrl = '';

/** @param {{ inside: string }} data */
export function initialize(data) {
  insideUrl = pathToFileURL(data.inside).href;
}

/**
 * @param {string} specifier
 * @param {{ parentURL?: string }} context
 * @param {(specifier: string, context: { parentURL?: string }) => Promise<unknown>} nextResolve
 */
export async function resolve(specifier, context, nextResolve) {
  try {
    return await nextResolve(specifier, context);
  } catch (err) {
    if (!/^seep(\/|$)/.test(specifier)) throw err;
    return nextResolve(specifier, { ...context, parentURL: insideUrl });
  }
}
