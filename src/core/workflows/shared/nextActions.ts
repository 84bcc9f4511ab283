/**
 * What a person can do next, as data: each host renders it its own way (the CLI as a command
 * line, VS Code as a button, chat as a followup). Workflows write these instead of command
 * strings, so no host has to parse another host's syntax.
 */
import type { JsonObject } from '../../engine/definition';

export type NextAction =
  /** Run a workflow (again), with these inputs on top of the run's own when `sameInputs`. */
  | { kind: 'run'; label: string; workflow: string; mode?: string; inputs?: JsonObject }
  /** Call one capability with these arguments (a write still needs its approval). */
  | { kind: 'call'; label: string; capability: string; args: JsonObject; writes: boolean }
  /** Approve this run's gate despite blocking issues, with a justification (an exception record is kept). */
  | { kind: 'override'; label: string }
  /** Fix something outside the tool first (the label says what), then run again. */
  | { kind: 'fix'; label: string; then?: { workflow: string; mode?: string; inputs?: JsonObject } };
