/**
 * The failure every layer of the bundled server raises for a problem the caller can
 * understand and act on. The tool layer (src/server/tools/defineTool.ts) turns it into an
 * `isError` result carrying the message and code.
 */
export class ToolError extends Error {
  constructor(
    message: string,
    readonly code: string = 'INVALID_INPUT',
  ) {
    super(message);
  }
}
