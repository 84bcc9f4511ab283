/**
 * The compatibility matrix of docs/mcp-protocol.md, checked: each peer is connected with the
 * project's client (McpConnection, elicitation declared) and what it negotiates and offers is
 * compared with the table's row.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ElicitationBroker } from '../../../src/core/app/elicitation';
import { parseServerConfig, type ServerConfig } from '../../../src/core/mcp/config';
import { McpConnection } from '../../../src/core/mcp/connection';
import { MemoryLogger, silentLogger } from '../../../src/core/util/log';
import { everythingServerConfig } from '../../support/mcp/everything';
import { proxyCommand, requireBuild, ROOT, scratch } from '../../support/workflows/cli';

type Row = Record<string, string>;

/** The rows of the table under "## Compatibility matrix", keyed by its first column. */
function documentedMatrix(): Map<string, Row> {
  const text = readFileSync(join(ROOT, 'docs', 'mcp-protocol.md'), 'utf8');
  const section = text.split('## Compatibility matrix')[1]!.split('\n## ')[0]!;
  const lines = section.split('\n').filter((l) => l.startsWith('|'));
  const cells = (l: string) =>
    l
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  const header = cells(lines[0]!);
  return new Map(
    lines.slice(2).map((l) => {
      const values = cells(l);
      return [values[0]!, Object.fromEntries(header.map((h, i) => [h, values[i]!]))];
    }),
  );
}

async function observe(server: ServerConfig): Promise<Row> {
  const log = new MemoryLogger();
  const declining = new ElicitationBroker({ elicit: async () => ({ action: 'decline' }) }, silentLogger);
  const connection = new McpConnection({ server, logger: log, reconnect: false, elicitation: (s, p, sig) => declining.handle(s, p, sig) });
  try {
    await connection.connect();
    const init = log.lines.map((l) => l.fields?.['message'] as { result?: { protocolVersion?: string } } | undefined).find((m) => m?.result?.protocolVersion);
    const caps = connection.serverCapabilities ?? {};
    const taskTools = connection.tools.filter((t) => t.execution?.taskSupport === 'optional' || t.execution?.taskSupport === 'required');
    const yes = (b: boolean) => (b ? 'yes' : 'no');
    return {
      revision: init?.result?.protocolVersion ?? '?',
      'tools as tasks': yes(caps.tasks?.requests?.tools?.call !== undefined && taskTools.length > 0),
      'asks for input (elicitation)': yes(connection.tools.some((t) => /elicit/i.test(t.name))),
      resources: yes(caps.resources !== undefined),
    };
  } finally {
    await connection.close();
  }
}

describe('MCP compatibility matrix (docs/mcp-protocol.md)', () => {
  const matrix = documentedMatrix();
  const peers: [string, () => ServerConfig][] = [
    ['bundled server', () => parseServerConfig({ kind: 'stdio', command: process.execPath, args: [join(ROOT, 'dist', 'server.js')] })],
    ['server-everything', () => everythingServerConfig()],
    [
      'real-contract peer',
      () => {
        const [, command] = proxyCommand(scratch('matrix'), {});
        const [exe, ...args] = command!.match(/"[^"]*"|\S+/g)!.map((p) => p.replace(/^"|"$/g, ''));
        return parseServerConfig({ kind: 'stdio', command: exe!, args });
      },
    ],
  ];
  for (const [name, config] of peers) {
    it(`${name}: negotiates and offers what the table says`, async () => {
      requireBuild();
      const row = matrix.get(name);
      assert.ok(row, `the table has a row for ${name}`);
      const seen = await observe(config());
      for (const [column, value] of Object.entries(seen)) assert.equal(value, row[column], `${name}: ${column}`);
    });
  }
});
