/**
 * A separate process using the same database file, for the store's multi-process tests.
 *   increment DB N      N read-modify-write increments of meta.test_counter, retrying conflicts
 *   hold DB             start a write and never finish it (the parent kills the process)
 */
import { writeSync } from 'node:fs';
import { silentLogger } from '../../../src/core/util/log';
import { ToolError } from '../../../src/server/domain/errors';
import { ScheduleStore } from '../../../src/server/store/store';
import { rawSql } from '../../../src/server/store/tx';

const [command, db, count] = process.argv.slice(2);
const store = ScheduleStore.open({ path: db!, logger: silentLogger, busyTimeoutMs: 10_000 });
if (command === 'increment') {
  let conflicts = 0;
  for (let i = 0; i < Number(count);) {
    const seen = store.dataVersion();
    try {
      store.write(`worker-${process.pid}`, 'increment', seen, (tx) => {
        const row = rawSql(tx).get<{ value: string }>("SELECT value FROM meta WHERE key = 'test_counter'");
        rawSql(tx).run("INSERT OR REPLACE INTO meta (key, value) VALUES ('test_counter', ?)", String(Number(row?.value ?? 0) + 1));
      });
      i++;
    } catch (error) {
      if (!(error instanceof ToolError && error.code === 'CONFLICT')) throw error;
      conflicts++;
    }
  }
  store.close();
  writeSync(1, `${JSON.stringify({ conflicts })}\n`);
} else if (command === 'hold') {
  store.write('worker', 'hold', undefined, (tx) => {
    rawSql(tx).run("INSERT OR REPLACE INTO meta (key, value) VALUES ('test_counter', 'uncommitted')");
    writeSync(1, 'holding\n');
    for (;;) {
      // Spin while holding the write lock until killed.
    }
  });
}
