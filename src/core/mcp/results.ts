/**
 * Reading a tool result: `isError` becomes a typed tool error (fed back, not thrown as a
 * protocol failure), data comes from `structuredContent` when present, else from JSON text
 * content, and the workflows' schema is checked with the failing path named. Server text is
 * untrusted: it is shortened before it reaches a message.
 */
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { OrchestratorError } from '../errors';
import type { ResultSchema } from './capabilities';

const MAX_SERVER_TEXT = 500;

function texts(result: CallToolResult): string[] {
  return result.content.flatMap((c) => (c.type === 'text' ? [c.text] : []));
}

function shorten(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > MAX_SERVER_TEXT ? `${flat.slice(0, MAX_SERVER_TEXT)}…` : flat;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Throws OrchestratorError('tool_error') for an `isError` result. */
export function assertNotToolError(tool: string, result: CallToolResult): void {
  if (!result.isError) return;
  const text = texts(result).join('\n');
  throw new OrchestratorError('tool_error', `${tool} reported an error: ${text ? shorten(text) : '(no message)'}`, {
    tool,
    details: { text: text.slice(0, 4 * MAX_SERVER_TEXT) },
  });
}

/**
 * The result as an object: structuredContent, else the JSON object in the text content
 * (a JSON array is wrapped as `{ result: [...] }`, as FastMCP does), else `{ text }`.
 */
export function resultData(result: CallToolResult): Record<string, unknown> {
  if (isRecord(result.structuredContent)) return result.structuredContent;
  const text = texts(result).join('\n');
  try {
    const parsed: unknown = JSON.parse(text);
    if (isRecord(parsed)) return parsed;
    if (Array.isArray(parsed)) return { result: parsed };
  } catch {
    // Not JSON: plain text results are passed on as text.
  }
  return { text };
}

/** Checks data against a capability's schema; throws OrchestratorError('invalid_result') naming the path. */
export function validateResult(tool: string, schema: ResultSchema, data: Record<string, unknown>): Record<string, unknown> {
  const parsed = schema.safeParse(data);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => ({ path: i.path.map(String).join('.') || '(root)', message: i.message }));
  const first = issues[0] as { path: string; message: string };
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  throw new OrchestratorError('invalid_result', `${tool} returned an unexpected result at ${first.path}: ${first.message}${more}`, {
    tool,
    details: { issues },
  });
}
