/** McpConnection.readResource: a resource a result linked to, read over the connection; a missing one is a clear error. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import { OrchestratorError } from '../../../src/core/errors';
import { McpConnection } from '../../../src/core/mcp/connection';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';

function server(): McpServer {
  const mcp = new McpServer({ name: 'resources', version: '1.0.0' });
  mcp.registerTool('ping', { description: 'answers pong' }, () => ({ content: [{ type: 'text', text: 'pong' }] }));
  mcp.registerResource('schedule', new ResourceTemplate('schedule://schedules/{id}', { list: undefined }), { mimeType: 'application/json' }, (uri, { id }) => {
    if (id !== 'draft-1') throw new Error(`no schedule or draft ${String(id)}`);
    return { contents: [{ uri: uri.href, mimeType: 'application/json', text: '{"schedule":{"id":"draft-1"}}' }] };
  });
  return mcp;
}

describe('McpConnection.readResource', () => {
  it('reads a linked resource and reports a missing one as an OrchestratorError', async () => {
    const connection = new McpConnection({ server: new InMemoryEndpoint(server), reconnect: false });
    try {
      const read = await connection.readResource('schedule://schedules/draft-1');
      assert.deepEqual(
        read.contents.map((c) => ('text' in c ? c.text : undefined)),
        ['{"schedule":{"id":"draft-1"}}'],
      );
      await assert.rejects(connection.readResource('schedule://schedules/draft-2'), (error: unknown) => {
        assert.ok(error instanceof OrchestratorError);
        assert.match(error.message, /reading schedule:\/\/schedules\/draft-2.*no schedule or draft draft-2/s);
        return true;
      });
    } finally {
      await connection.close();
    }
  });
});
