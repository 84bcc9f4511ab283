/**
 * Entry point VS Code's extension host loads (extensionTestsPath): importing the test
 * modules registers their tests, in this order.
 */
import { runRegisteredTests } from '../../support/vscode/runner';
import './activation';
import './catalog';
import './workflows';
import './runPanel';
import './chat';
import './inputs';

export function run(): Promise<void> {
  const reportFile = process.env['SCHED_ORCH_VSCODE_REPORT'];
  return runRegisteredTests(reportFile === undefined ? {} : { reportFile });
}
