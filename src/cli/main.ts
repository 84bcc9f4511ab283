/**
 * Entry point of the `sched-orch` CLI (bundled to dist/cli.js). Ctrl-C aborts the running
 * command so a call in flight is cancelled on the server; a second Ctrl-C exits at once.
 */
import { ExitCode } from './exitCodes';
import { runCli } from './cli';

const abort = new AbortController();
process.on('SIGINT', () => {
  if (abort.signal.aborted) process.exit(ExitCode.Cancelled);
  abort.abort(new Error('interrupted (Ctrl-C)'));
});

void runCli(process.argv.slice(2), {
  out: (text) => void process.stdout.write(text),
  err: (text) => void process.stderr.write(text),
  env: process.env,
  signal: abort.signal,
}).then((code) => {
  process.exitCode = code;
});
