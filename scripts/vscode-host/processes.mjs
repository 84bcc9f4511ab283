// Child processes of a test run and their clean-up. code-server runs in its own process
// group; its descendants (extension host, the MCP servers the extension starts, which may
// put themselves in groups of their own) are recorded from /proc before it is stopped, so
// that whatever survives the stop can be ended too, by pid and start time, never by name.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

const groups = new Set();

/** Starts a command in a new process group that `stopGroup` (or our own exit) ends. */
export function spawnGroup(command, args, options) {
  const child = spawn(command, args, { ...options, detached: true });
  groups.add(child);
  child.once('exit', () => groups.delete(child));
  return child;
}

function signalGroup(child, signal) {
  try {
    process.kill(-child.pid, signal);
  } catch {
    // The group is already gone.
  }
}

function exited(child, ms) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}

/**
 * SIGTERM to the group, SIGKILL after `graceMs`. Returns the processes that were below it
 * just before, which may have left the group (see `endLeftovers`).
 */
export async function stopGroup(child, graceMs = 5000) {
  const tree = descendants(child.pid);
  signalGroup(child, 'SIGTERM');
  if (!(await exited(child, graceMs))) signalGroup(child, 'SIGKILL');
  await exited(child, graceMs);
  groups.delete(child);
  return tree;
}

/**
 * Gives `processes` up to `patienceMs` to end by themselves, then ends the rest (SIGTERM,
 * then SIGKILL). Returns the ones that had to be ended.
 */
export async function endLeftovers(processes, patienceMs = 0) {
  const deadline = Date.now() + patienceMs;
  while (processes.some(alive) && Date.now() < deadline) await sleep(100);
  const leftovers = processes.filter(alive);
  for (const p of leftovers) signalProcess(p, 'SIGTERM');
  if (leftovers.length > 0) await sleep(1000);
  for (const p of leftovers.filter(alive)) signalProcess(p, 'SIGKILL');
  return leftovers;
}

function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// A crash or Ctrl-C of the harness must not leave a code-server behind.
process.once('exit', () => {
  for (const child of groups) signalGroup(child, 'SIGKILL');
});
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    console.error(`[vscode-host] ${signal}: stopping`);
    process.exit(130);
  });
}

// ---- /proc (Linux): the process tree, identified by pid and start time.

function stat(pid) {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), start: fields[19] };
  } catch {
    return undefined;
  }
}

function commandLine(pid) {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ').trim();
  } catch {
    return '';
  }
}

/** All processes below `rootPid` right now. */
export function descendants(rootPid) {
  let entries;
  try {
    entries = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
  const children = new Map();
  const info = new Map();
  for (const name of entries) {
    const s = stat(name);
    if (!s) continue;
    const pid = Number(name);
    info.set(pid, s);
    children.set(s.ppid, [...(children.get(s.ppid) ?? []), pid]);
  }
  const found = [];
  const queue = [...(children.get(rootPid) ?? [])];
  while (queue.length > 0) {
    const pid = queue.shift();
    found.push({ pid, start: info.get(pid).start, command: commandLine(pid) });
    queue.push(...(children.get(pid) ?? []));
  }
  return found;
}

function alive(p) {
  return stat(p.pid)?.start === p.start;
}

function signalProcess(p, signal) {
  try {
    process.kill(p.pid, signal);
  } catch {
    // Already gone.
  }
}
