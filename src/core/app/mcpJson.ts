/**
 * The servers of a workspace's `.vscode/mcp.json` (VS Code's own MCP configuration), read so
 * a host can offer them: `servers` entries of type stdio (command/args/env/cwd) and http
 * (url/headers). `${env:NAME}` is replaced from the given environment; `${input:...}` needs
 * VS Code's own input prompts and secret store, so such an entry is listed as refused with
 * the reason instead of being half-resolved.
 */
import { parseServerConfig, type ServerConfig } from '../mcp/config';

export type McpJsonServer = { name: string; status: 'usable'; config: ServerConfig; summary: string } | { name: string; status: 'refused'; reason: string };

const VARIABLE = /\$\{([^}]*)\}/g;

class Refusal extends Error {}

/** Replaces `${env:X}` (and `${workspaceFolder}`); any other variable refuses the entry. */
function resolveText(text: string, env: Readonly<Record<string, string | undefined>>, workspaceFolder: string | undefined): string {
  return text.replace(VARIABLE, (_whole, name: string) => {
    if (name.startsWith('env:')) {
      const value = env[name.slice(4)];
      if (value === undefined) throw new Refusal(`the environment variable ${name.slice(4)} is not set`);
      return value;
    }
    if (name === 'workspaceFolder' && workspaceFolder !== undefined) return workspaceFolder;
    if (name.startsWith('input:'))
      throw new Refusal(
        `\${${name}} asks VS Code for a value at start-up, which this extension does not do: set the value in the entry, use \${env:...}, or use the Set Server API Key command`,
      );
    throw new Refusal(`the variable \${${name}} is not supported`);
  });
}

function resolveValue(value: unknown, env: Readonly<Record<string, string | undefined>>, folder: string | undefined): unknown {
  if (typeof value === 'string') return resolveText(value, env, folder);
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, env, folder));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveValue(v, env, folder)]));
  return value;
}

function entryConfig(entry: Record<string, unknown>): unknown {
  const type = entry['type'] ?? (typeof entry['url'] === 'string' ? 'http' : 'stdio');
  if (type === 'stdio') {
    return { kind: 'stdio', command: entry['command'], args: entry['args'] ?? [], env: entry['env'] ?? {}, ...(entry['cwd'] !== undefined ? { cwd: entry['cwd'] } : {}) };
  }
  if (type === 'http' || type === 'sse') return { kind: 'http', url: entry['url'], headers: entry['headers'] ?? {} };
  throw new Refusal(`server type "${String(type)}" is not supported (stdio and http are)`);
}

/**
 * Reads the file's text (JSON with comments and trailing commas, as VS Code writes it).
 * Throws on text that is not such JSON or has no `servers` object.
 */
export function readMcpJson(text: string, env: Readonly<Record<string, string | undefined>>, workspaceFolder?: string): McpJsonServer[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(stripJsonComments(text));
  } catch (error) {
    throw new Error(`.vscode/mcp.json is not valid JSON: ${error instanceof Error ? error.message : String(error)}`);
  }
  const servers = parsed !== null && typeof parsed === 'object' ? (parsed as Record<string, unknown>)['servers'] : undefined;
  if (servers === null || typeof servers !== 'object' || Array.isArray(servers)) throw new Error('.vscode/mcp.json has no "servers" object');
  return Object.entries(servers as Record<string, unknown>).map(([name, entry]): McpJsonServer => {
    try {
      if (entry === null || typeof entry !== 'object') throw new Refusal('the entry is not an object');
      const config = parseServerConfig(resolveValue(entryConfig(entry as Record<string, unknown>), env, workspaceFolder));
      return { name, status: 'usable', config, summary: config.kind === 'stdio' ? `stdio: ${config.command}` : `http: ${new URL(config.url).origin}` };
    } catch (error) {
      return { name, status: 'refused', reason: error instanceof Error ? error.message : String(error) };
    }
  });
}

/** Drops // and /* *\/ comments and trailing commas outside strings. */
export function stripJsonComments(text: string): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < text.length && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      out += text.slice(i, j + 1);
      i = j + 1;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
    } else {
      out += c;
      i++;
    }
  }
  return out.replace(/,(\s*[}\]])/g, '$1');
}
