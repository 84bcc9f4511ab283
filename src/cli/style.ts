/** ANSI styling for terminal output, off unless the stream is a terminal and NO_COLOR is unset. */

const CODES = { bold: 1, dim: 2, red: 31, green: 32, yellow: 33, blue: 34, magenta: 35, cyan: 36 } as const;

export type Style = keyof typeof CODES;

export type Paint = (style: Style, text: string) => string;

export function painter(enabled: boolean): Paint {
  return enabled ? (style, text) => `\u001b[${CODES[style]}m${text}\u001b[0m` : (_style, text) => text;
}

/** True when `stream` is a terminal and the user did not ask for no colour (https://no-color.org). */
export function colourWanted(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  return stream.isTTY === true && !env.NO_COLOR && env.TERM !== 'dumb';
}

/** The confidence colours of the framework, as terminal colours. */
export function confidenceStyle(colour: string): Style {
  switch (colour) {
    case 'RED':
      return 'red';
    case 'ORANGE':
      return 'magenta';
    case 'YELLOW':
      return 'yellow';
    case 'GREEN':
      return 'green';
    default:
      return 'blue';
  }
}

export function statusStyle(status: string): Style {
  if (status === 'completed' || status === 'succeeded') return 'green';
  if (status === 'needs_review' || status === 'skipped') return 'yellow';
  return 'red';
}
