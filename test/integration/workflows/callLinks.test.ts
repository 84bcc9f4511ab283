/** `sched-orch call` prints the resource links of a result (a generation links to its draft). */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { num } from '../../../src/core/workflows/shared/read';
import { requireBuild, runCli, scratch } from '../../support/workflows/cli';
import { withServer } from '../../support/workflows/swapRequest';

describe('sched-orch call: resource links', () => {
  it('prints the link to the draft a generation created', async () => {
    requireBuild();
    const db = join(scratch('call-links'), 'schedule.db');
    const version = await withServer(['--db', db], async (call) => num(await call('get_schedule_status', {}), 'data_version'));
    const args = JSON.stringify({ actor: 'cli-test', expected_data_version: version, algorithm: 'greedy' });
    const run = await runCli(['call', 'generate_schedule', '--db', db, '--args', args, '--approve', '--reason', 'resource link test']);
    assert.equal(run.code, 0, run.stderr);
    const draft = (JSON.parse(run.stdout.slice(0, run.stdout.indexOf('\nLink: ') + 1)) as { draft_id: string }).draft_id;
    assert.match(run.stdout, new RegExp(`\\nLink: schedule://schedules/${draft}  Draft ${draft} \\(`));
  });
});
