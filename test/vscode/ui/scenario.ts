/** What every UI scenario shares: command titles, the catalog row locator, how steps run. */
import type { Locator } from 'playwright-core';
import { runRegisteredTests } from '../../support/vscode/runner';
import { Workbench } from '../../support/vscode/workbench';
import type { UiContext } from './index';

export const COMMAND_TITLES = {
  showTools: 'Schedule Orchestrator: Show Server Tools and Capabilities',
  setApiKey: 'Schedule Orchestrator: Set Server API Key',
  clearApiKey: 'Schedule Orchestrator: Clear Server API Key',
  showLog: 'Schedule Orchestrator: Show Log',
};

/** The catalog table's cells for one capability (the header row has no td). */
export function capabilityCells(workbench: Workbench, capability: string): Locator {
  const view = workbench.webview();
  return view
    .locator('tr')
    .filter({ has: view.locator('td:first-child').getByText(capability, { exact: true }) })
    .locator('td');
}

/** Registers the steps of a scenario against a fresh Workbench and runs them as one story. */
export function runSteps(context: UiContext, register: (workbench: Workbench) => void): Promise<void> {
  const workbench = new Workbench(context.page, context.artifactsDir);
  register(workbench);
  return runRegisteredTests({
    echo: false,
    bail: true,
    reportFile: context.reportFile,
    onFailure: (name) => workbench.screenshot(`failed-${name.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}`),
  });
}
