/**
 * A scheduling server process over stdio on a database file, for tests that run two
 * processes against the same file:
 *   node --import tsx writeServer.ts DB_FILE CLOCK_MS
 * It is the bundled server (createServer) on the sample program (seeded when the file is
 * empty) with "now" pinned to CLOCK_MS, which the real entry point cannot do.
 */
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { sampleProgram } from '../../../src/server/program/sample';
import { TestClock, openStore, schedulingServer } from './fixtures';

const [db, clockMs] = process.argv.slice(2);
const clock = new TestClock(Number(clockMs));
const store = openStore(sampleProgram, clock, db!);
const server = schedulingServer(store, clock);
void server.connect(new StdioServerTransport());
process.stdin.on('close', () => {
  store.close();
  process.exit(0);
});
