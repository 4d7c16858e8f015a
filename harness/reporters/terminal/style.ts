// ANSI styling that turns itself off: with color false (NO_COLOR, not a TTY, CI) every function
// returns its text untouched, so plain output carries no control characters at all.

export interface Style {
  color: boolean;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  dim(s: string): string;
  bold(s: string): string;
}

function sgr(on: boolean, open: number, close: number): (s: string) => string {
  return on ? (s) => `\u001b[${open}m${s}\u001b[${close}m` : (s) => s;
}

export function makeStyle(color: boolean): Style {
  return {
    color,
    red: sgr(color, 31, 39),
    green: sgr(color, 32, 39),
    yellow: sgr(color, 33, 39),
    dim: sgr(color, 2, 22),
    bold: sgr(color, 1, 22),
  };
}

/** Control characters from the target (its output, its names) never reach the terminal raw. */
export { plainLines, plainText } from '../plainText.ts';
