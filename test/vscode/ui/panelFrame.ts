/** The run panel's page inside VS Code's webview frames, for UI tests that look into it. */
import type { FrameLocator } from 'playwright-core';
import type { Workbench } from '../../support/vscode/workbench';

function panel(workbench: Workbench): FrameLocator {
  return workbench.page.frameLocator('iframe.webview.ready:visible').frameLocator('iframe#active-frame');
}

/**
 * Waits until the active panel's page has drawn the run (its header names the workflow and
 * the state) before anything is photographed: the webview loads its page a moment after the
 * tab appears, and a screenshot taken before shows an empty editor.
 */
export async function panelShows(workbench: Workbench, title: string, state: RegExp): Promise<FrameLocator> {
  const view = panel(workbench);
  await view.locator('#header h1', { hasText: title }).waitFor({ timeout: 60_000 });
  await view.locator('#header .status', { hasText: state }).waitFor({ timeout: 60_000 });
  return view;
}
