/**
 * Server requests for user input (MCP elicitation): the CLI's terminal prompt answering
 * server-everything's form (every field kind), the CLI declining without a terminal, and a
 * test server of ours asking for a secret-named field and a URL (answers recorded redacted,
 * the URL reduced to its domain and opened only after a yes).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitResultSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ElicitationBroker, type ElicitationRecord } from '../../../src/core/app/elicitation';
import { McpConnection } from '../../../src/core/mcp/connection';
import { silentLogger } from '../../../src/core/util/log';
import { promptElicitation } from '../../../src/cli/elicitation';
import { everythingServerConfig, everythingServerScript } from '../../support/mcp/everything';
import { InMemoryEndpoint } from '../../support/mcp/inMemory';
import { requireBuild, ROOT } from '../../support/workflows/cli';

const CALL = { signal: new AbortController().signal, timeoutMs: 30_000, maxTotalTimeoutMs: 60_000 };

function terminal(answers: string[], later: string[] = []): { input: PassThrough; output: PassThrough; shown: () => string } {
  const input = new PassThrough();
  const output = new PassThrough();
  let shown = '';
  output.on('data', (d: Buffer) => {
    shown += d.toString();
    // The URL question is answered once it is shown (each request reads the terminal afresh).
    if (/Open it\? \[y\]es \/ \[n\]o \/ \[c\]ancel: $/.test(shown)) input.write(`${later.shift() ?? ''}\n`);
  });
  input.write(answers.map((a) => `${a}\n`).join(''));
  return { input, output, shown: () => shown };
}

function texts(result: CallToolResult): string {
  return result.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

describe('elicitation', () => {
  it("the CLI prompt answers server-everything's form: strings, booleans, numbers, enums with titles, multi-select", async () => {
    // accept, name, check, firstLine (default), email, homepage, birthdate, integer, number (default),
    // untitled enum #3, untitled multi 1,2, titled enum #3, titled multi #2, legacy titled enum #2
    const io = terminal(['y', 'Ada Lovelace', 'y', '', '', '', '', '7', '', '3', '1,2', '3', '2', '2']);
    const records: ElicitationRecord[] = [];
    const broker = new ElicitationBroker(promptElicitation(io.input, io.output), silentLogger);
    broker.onAnswered((r) => records.push(r));
    const connection = new McpConnection({ server: everythingServerConfig(), reconnect: false, elicitation: (s, p, sig) => broker.handle(s, p, sig) });
    try {
      await connection.connect();
      assert.ok(
        connection.tools.some((t) => t.name === 'trigger-elicitation-request'),
        'the server offers its elicitation tool to a client that declares elicitation',
      );
      const result = await connection.callTool('trigger-elicitation-request', {}, CALL);
      const text = texts(result);
      assert.match(text, /- Name: Ada Lovelace/);
      assert.match(text, /- Agreed to terms: true/);
      assert.match(text, /- Favorite Integer: 7/);
      assert.match(text, /- Favorite Number: 3\.14/);
      assert.match(io.shown(), /Titled Single Select Enum.*1 Superman, 2 Green Lantern, 3 Wonder Woman/);
      assert.match(io.shown(), /Legacy Titled Single Select Enum.*2 Dogs/);
      assert.equal(records.length, 1);
      assert.equal(records[0]!.action, 'accept');
      assert.equal(records[0]!.answers?.['titledSingleSelectEnum'], 'hero-3');
      assert.deepEqual(records[0]!.answers?.['untitledMultipleSelectEnum'], ['Guitar', 'Piano']);
    } finally {
      await connection.close();
    }
  });

  it('the CLI without a terminal declines (fail closed) and says so', async () => {
    requireBuild();
    const run = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(
        process.execPath,
        [
          join(ROOT, 'dist', 'cli.js'),
          'call',
          'trigger-elicitation-request',
          '--approve',
          '--reason',
          'elicitation test',
          '--server-command',
          `"${process.execPath}" "${everythingServerScript()}" stdio`,
        ],
        {
          env: { PATH: process.env['PATH'] ?? '' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
    assert.match(run.stderr, /asked for input \("Please provide inputs for the following fields:"\); declined: no terminal to ask on/);
    assert.match(run.stdout + run.stderr, /declined/);
  });

  it('our server: secret-named answers are recorded redacted; a URL request shows only the domain and opens nothing on "no"', async () => {
    const endpoint = new InMemoryEndpoint(() => {
      const server = new McpServer({ name: 'elicit-test', version: '1.0.0' });
      server.registerTool('ask_token', { description: 'asks for a token' }, async (extra) => {
        const answer = await extra.sendRequest(
          {
            method: 'elicitation/create',
            params: {
              message: 'Connect the rota system',
              requestedSchema: {
                type: 'object',
                properties: { api_token: { type: 'string', title: 'Token' }, site: { type: 'string', enum: ['north', 'south'] } },
                required: ['api_token'],
              },
            },
          },
          ElicitResultSchema,
        );
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      });
      server.registerTool('open_login', { description: 'asks to open a page' }, async (extra) => {
        const answer = await extra.sendRequest(
          { method: 'elicitation/create', params: { mode: 'url', message: 'Sign in', url: 'https://login.example.org/authorize?code=s3cr3t-value', elicitationId: 'e-1' } },
          ElicitResultSchema,
        );
        return { content: [{ type: 'text', text: JSON.stringify(answer) }] };
      });
      return server;
    });
    const io = terminal(['y', 'tok-123456', 'south'], ['n']);
    const records: ElicitationRecord[] = [];
    const broker = new ElicitationBroker(promptElicitation(io.input, io.output), silentLogger);
    broker.onAnswered((r) => records.push(r));
    const connection = new McpConnection({ server: endpoint, reconnect: false, elicitation: (s, p, sig) => broker.handle(s, p, sig) });
    try {
      await connection.connect();
      const token = JSON.parse(texts(await connection.callTool('ask_token', {}, CALL))) as { action: string; content: Record<string, unknown> };
      assert.deepEqual(token, { action: 'accept', content: { api_token: 'tok-123456', site: 'south' } });
      const login = JSON.parse(texts(await connection.callTool('open_login', {}, CALL))) as { action: string };
      assert.equal(login.action, 'decline');
      assert.match(io.shown(), /open a page on login\.example\.org\. Open it\?/);
      assert.doesNotMatch(io.shown(), /s3cr3t-value/, 'the URL is not shown before a yes');
      assert.deepEqual(records[0]!.answers, { api_token: '[redacted]', site: 'south' });
      assert.deepEqual({ mode: records[1]!.mode, action: records[1]!.action, domain: records[1]!.domain }, { mode: 'url', action: 'decline', domain: 'login.example.org' });
      assert.doesNotMatch(JSON.stringify(records), /s3cr3t-value|tok-123456/, 'no secret and no URL content in the records');
    } finally {
      await connection.close();
    }
  });
});
