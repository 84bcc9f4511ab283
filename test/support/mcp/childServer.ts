/**
 * The test server as a child process over stdio:
 *   node --import tsx test/support/mcp/childServer.ts [--naming plain|suffixed] [--observe FILE]
 *        [--exit-before-initialize CODE]
 * Observations are appended to FILE as JSON lines (one process or many, across restarts).
 */
import { appendFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { createTestServer, type Naming } from './testServer';

const { values } = parseArgs({
  options: {
    naming: { type: 'string', default: 'suffixed' },
    observe: { type: 'string' },
    'exit-before-initialize': { type: 'string' },
  },
});

process.stderr.write(`test server ${process.pid} starting\n`);
if (values['exit-before-initialize'] !== undefined) {
  process.stderr.write('fatal: database file is locked\n');
  process.exit(Number(values['exit-before-initialize']));
}

const observeFile = values.observe;
const server = createTestServer({
  naming: values.naming as Naming,
  ...(observeFile ? { observe: (o) => appendFileSync(observeFile, JSON.stringify(o) + '\n') } : {}),
  crash: () => {
    process.stderr.write('test server crashing on purpose\n');
    process.exit(9);
  },
});
void server.connect(new StdioServerTransport());
