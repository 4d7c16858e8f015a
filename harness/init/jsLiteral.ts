// JavaScript source for values `seep init` puts into a generated file. User text (a command, a name)
// goes into string literals only, never into comments, so no input can end a comment or a string early.

/** A single-quoted JavaScript string literal: JSON's escaping (every control character), quotes swapped. */
export function jsString(value: string): string {
  const body = JSON.stringify(value).slice(1, -1).replaceAll('\\"', '"').replaceAll("'", "\\'");
  return `'${body}'`;
}

export function jsStringArray(values: string[]): string {
  return `[${values.map(jsString).join(', ')}]`;
}

/** Text for a `//` comment: one line, so a newline in it cannot turn the rest into code. */
export function commentText(value: string): string {
  return value.replace(/[\r\n\u2028\u2029]+/g, ' ');
}
