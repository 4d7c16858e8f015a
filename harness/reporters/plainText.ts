// Text from the target (its output, its names, its errors) as seep prints it: control characters
// escaped, so an escape sequence in it can neither move the terminal's cursor nor set its title.

export function plainText(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/** The same, line by line: the line breaks stay. */
export function plainLines(text: string): string {
  return text.split('\n').map(plainText).join('\n');
}
