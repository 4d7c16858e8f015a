// How to talk to this terminal. A live, rewritten progress line only on a real TTY outside CI
// (CI log viewers show every \r frame as a line); colour only there too, and never with NO_COLOR
// (https://no-color.org: any non-empty value disables it).

function truthy(v: string | undefined): boolean {
  return v !== undefined && v !== '' && v !== '0' && v.toLowerCase() !== 'false';
}

export function terminalOptions(env: NodeJS.ProcessEnv, stream: { isTTY?: boolean }): { tty: boolean; color: boolean } {
  const tty = stream.isTTY === true && !truthy(env.CI) && env.TERM !== 'dumb';
  const color = tty && !(env.NO_COLOR !== undefined && env.NO_COLOR !== '');
  return { tty, color };
}
