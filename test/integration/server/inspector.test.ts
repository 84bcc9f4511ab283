/**
 * External conformance: the MCP Inspector's CLI mode (a real, independent MCP client,
 * pinned as a devDependency, run offline) against the built dist/server.js.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { before, describe, it } from 'node:test';
import { ensureBuilt, ROOT, SERVER_JS } from '../../support/server/client';

const run = promisify(execFile);
const INSPECTOR = join(ROOT, 'node_modules', '@modelcontextprotocol', 'inspector', 'cli', 'build', 'cli.js');

async function inspector(...args: string[]): Promise<unknown> {
  const { stdout } = await run(process.execPath, [INSPECTOR, '--cli', process.execPath, SERVER_JS, ...args], {
    cwd: ROOT,
    timeout: 60_000,
    env: { PATH: process.env.PATH ?? '', npm_config_offline: 'true' },
  });
  return JSON.parse(stdout);
}

describe('MCP Inspector CLI against dist/server.js', () => {
  before(() => ensureBuilt());

  it('lists the tools with input and output schemas', async () => {
    const { tools } = (await inspector('--method', 'tools/list')) as { tools: { name: string; inputSchema: { type: string }; outputSchema?: { type: string } }[] };
    const validate = tools.find((t) => t.name === 'validate_schedule_tool');
    assert.ok(validate);
    assert.equal(validate.inputSchema.type, 'object');
    assert.equal(validate.outputSchema?.type, 'object');
    assert.ok(tools.every((t) => t.name.endsWith('_tool')));
  });

  it('calls validate_schedule_tool with --tool-arg', async () => {
    const result = (await inspector(
      '--method',
      'tools/call',
      '--tool-name',
      'validate_schedule_tool',
      '--tool-arg',
      'start_date=2027-01-04',
      '--tool-arg',
      'end_date=2027-01-31',
    )) as {
      isError?: boolean;
      structuredContent: { is_valid: boolean; schedule_id: string; critical_issues: number };
    };
    assert.notEqual(result.isError, true);
    assert.equal(result.structuredContent.schedule_id, 'block-2027-01-04');
    assert.equal(result.structuredContent.is_valid, false);
    assert.ok(result.structuredContent.critical_issues > 0);
  });

  it('reads a resource', async () => {
    const result = (await inspector('--method', 'resources/read', '--uri', 'schedule://status/2027-01-04:2027-01-10')) as { contents: { text: string }[] };
    assert.equal(JSON.parse(result.contents[0]!.text).covered, true);
  });
});
