/** Server settings that start @modelcontextprotocol/server-everything over stdio. */
import { dirname, join } from 'node:path';
import { parseServerConfig, type StdioServerConfig } from '../../../src/core/mcp/config';

export function everythingServerScript(): string {
  return join(dirname(require.resolve('@modelcontextprotocol/server-everything/package.json')), 'dist/index.js');
}

export function everythingServerConfig(): StdioServerConfig {
  return parseServerConfig({ kind: 'stdio', command: process.execPath, args: [everythingServerScript(), 'stdio'] }) as StdioServerConfig;
}
