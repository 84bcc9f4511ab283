/** How reports and views name the server an application is connected to. */
import type { McpConnection } from '../mcp/connection';

/** The server as reports name it: name and version, and how it was reached. */
export function serverLabel(connection: McpConnection): string {
  return `${serverName(connection)} (${connection.description})`;
}

/** The server as views show it: name and version, and the endpoint without local paths or credentials. */
export function serverSummary(connection: McpConnection): string {
  return `${serverName(connection)} (${connection.summary})`;
}

function serverName(connection: McpConnection): string {
  const info = connection.serverInfo;
  return info ? `${info.name} ${info.version}` : 'unknown server';
}
