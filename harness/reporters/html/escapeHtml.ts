// Everything the target wrote (output, names, paths, error messages) reaches the page through
// these two functions: text and attributes through escapeHtml, data islands through jsonForScript.
// Nothing from a report is ever placed into the page as markup.

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Safe in element text and in quoted attribute values. Control characters become visible escapes. */
export function escapeHtml(text: string): string {
  return text
    .replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * JSON to embed in <script type="application/json">. Escaping <, > and & means no "</script>" or
 * "<!--" can close or confuse the element; U+2028/2029 are escaped for older JS parsers.
 */
export function jsonForScript(value: unknown): string {
  return JSON.stringify(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
