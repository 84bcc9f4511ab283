/** Output files a user names: checked first, never through a symlink, replaced only when asked. */
import assert from 'node:assert/strict';
import { lstatSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { checkOutputFile, OutputFileError, writeOutputFile } from '../../../src/core/util/outputFile';
import { redactUrlCredentials } from '../../../src/core/util/redact';

const dir = mkdtempSync(join(tmpdir(), 'sched-orch-output-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('output files', () => {
  it('a missing directory is found before anything is written', async () => {
    await assert.rejects(checkOutputFile(join(dir, 'missing', 'r.md'), { overwrite: false }), (e: unknown) => e instanceof OutputFileError && /does not exist/.test(e.message));
  });

  it('an existing file is kept unless overwrite is on; with it the content is replaced whole', async () => {
    const file = join(dir, 'existing.md');
    writeFileSync(file, 'old');
    await assert.rejects(writeOutputFile(file, 'new', { overwrite: false }), /already exists: refusing to overwrite it without --force/);
    assert.equal(readFileSync(file, 'utf8'), 'old');
    await writeOutputFile(file, 'new', { overwrite: true });
    assert.equal(readFileSync(file, 'utf8'), 'new');
    assert.deepEqual(
      readdirSync(dir).filter((n) => n.endsWith('.tmp')),
      [],
      'no temporary file is left behind',
    );
  });

  it('a symlink is never written through, even with overwrite', async () => {
    const target = join(dir, 'target.txt');
    writeFileSync(target, 'precious');
    const link = join(dir, 'link.md');
    symlinkSync(target, link);
    for (const overwrite of [false, true]) {
      await assert.rejects(writeOutputFile(link, 'evil', { overwrite }), /symbolic link/);
    }
    assert.equal(readFileSync(target, 'utf8'), 'precious');
    assert.ok(lstatSync(link).isSymbolicLink());
  });

  it('a new file is created with the content', async () => {
    const file = join(dir, 'new.md');
    assert.equal(await writeOutputFile(file, 'report', { overwrite: false }), file);
    assert.equal(readFileSync(file, 'utf8'), 'report');
  });

  it('URL credentials are redacted wherever a URL appears', () => {
    const text = 'connecting to http://bob:hunter2@127.0.0.1:8080/mcp failed (see https://alice@example.org/x); http://plain.example/mcp';
    const out = redactUrlCredentials(text);
    assert.doesNotMatch(out, /hunter2|bob|alice/);
    assert.match(out, /http:\/\/\*\*\*@127\.0\.0\.1:8080\/mcp/);
    assert.match(out, /http:\/\/plain\.example\/mcp/);
  });
});
