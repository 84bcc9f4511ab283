/**
 * Where the CLI keeps what outlives one process: run histories (runs/), circuit-breaker and
 * result-cache state (state/) and the reports of every run (reports/).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** `--state-dir`, else `$XDG_STATE_HOME/sched-orch`, else `~/.local/state/sched-orch`. */
export function resolveStateDir(option: string | undefined, env: NodeJS.ProcessEnv): string {
  if (option !== undefined) return resolve(option);
  const xdg = env.XDG_STATE_HOME?.trim();
  return join(xdg ? xdg : join(homedir(), '.local', 'state'), 'sched-orch');
}
