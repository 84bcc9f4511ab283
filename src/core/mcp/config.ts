/**
 * How to reach a tool server, as plain data a host reads from its settings or flags.
 * Validated with zod so a bad setting becomes one clear message before anything starts.
 */
import * as z from 'zod';
import { OrchestratorError } from '../errors';

export const stdioServerConfigSchema = z.object({
  kind: z.literal('stdio'),
  command: z.string().min(1, 'command must not be empty'),
  args: z.array(z.string()).default([]),
  cwd: z.string().min(1).optional(),
  /** Added to the child's minimal environment (PATH, HOME, …); nothing else is inherited. */
  env: z.record(z.string(), z.string()).default({}),
});

export const httpServerConfigSchema = z.object({
  kind: z.literal('http'),
  url: z.url({ protocol: /^https?$/, error: 'url must be an http:// or https:// URL' }),
  headers: z.record(z.string(), z.string()).default({}),
  /** Try the older HTTP+SSE transport when the server refuses Streamable HTTP. */
  sseFallback: z.boolean().default(true),
});

export const serverConfigSchema = z.discriminatedUnion('kind', [stdioServerConfigSchema, httpServerConfigSchema]);

export type StdioServerConfig = z.output<typeof stdioServerConfigSchema>;
export type HttpServerConfig = z.output<typeof httpServerConfigSchema>;
export type ServerConfig = z.output<typeof serverConfigSchema>;
export type ServerConfigInput = z.input<typeof serverConfigSchema>;

/** Validates a server setting; throws OrchestratorError('validation') naming the bad field. */
export function parseServerConfig(input: unknown): ServerConfig {
  const parsed = serverConfigSchema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'server';
  throw new OrchestratorError('validation', `invalid server setting ${where}: ${issue?.message ?? 'unknown problem'}`);
}

/** Header names whose values are treated as secrets (redacted from logs and errors). */
export const SECRET_HEADER = /authorization|api[-_]?key|token|secret|cookie/i;

/** The last segment of a path (either separator): a command or script without the folders it lives in. */
function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}

/**
 * A short description for what people see (a panel's header): the command's name and its
 * script's (no folders, no other arguments, which may carry tokens or local paths), or the
 * URL's origin (no credentials, path or query).
 */
export function summarizeServer(config: ServerConfig): string {
  if (config.kind === 'http') return `http: ${new URL(config.url).origin}`;
  const script = config.args[0];
  const named = script !== undefined && /^[^-=\s][^=\s]*\.[A-Za-z0-9]{1,5}$/.test(script) ? ` ${baseName(script)}` : '';
  return `stdio: ${baseName(config.command)}${named}`;
}

/** A description for logs and identities: never contains header values or URL credentials. */
export function describeServer(config: ServerConfig): string {
  if (config.kind === 'stdio') return ['stdio:', config.command, ...config.args].join(' ');
  const url = new URL(config.url);
  url.username = '';
  url.password = '';
  url.search = '';
  return `http: ${url.toString()}`;
}
