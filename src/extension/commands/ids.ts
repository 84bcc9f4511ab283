/** Every command id of the extension, typed, in one place (package.json contributes the same ids). */
export const COMMAND = {
  checkCompliance: 'schedOrch.checkCompliance',
  assessResilience: 'schedOrch.assessResilience',
  generateSchedule: 'schedOrch.generateSchedule',
  executeSwap: 'schedOrch.executeSwap',
  cancelRun: 'schedOrch.cancelRun',
  rerun: 'schedOrch.rerun',
  rerunWithInputs: 'schedOrch.rerunWithInputs',
  resumeRun: 'schedOrch.resumeRun',
  openRun: 'schedOrch.openRun',
  exportReport: 'schedOrch.exportReport',
  approveRun: 'schedOrch.approveRun',
  rejectRun: 'schedOrch.rejectRun',
  connect: 'schedOrch.connect',
  disconnect: 'schedOrch.disconnect',
  restartServer: 'schedOrch.restartServer',
  showTools: 'schedOrch.showTools',
  showToolHealth: 'schedOrch.showToolHealth',
  showLog: 'schedOrch.showLog',
  setApiKey: 'schedOrch.setApiKey',
  clearApiKey: 'schedOrch.clearApiKey',
  openProgramFile: 'schedOrch.openProgramFile',
  selectMcpJsonServer: 'schedOrch.selectMcpJsonServer',
  refreshRuns: 'schedOrch.refreshRuns',
  openResource: 'schedOrch.openResource',
} as const;

export type CommandId = (typeof COMMAND)[keyof typeof COMMAND];

/** The workflow each workflow command starts. */
export const WORKFLOW_COMMANDS = {
  [COMMAND.checkCompliance]: 'compliance',
  [COMMAND.assessResilience]: 'resilience',
  [COMMAND.generateSchedule]: 'generate',
  [COMMAND.executeSwap]: 'swap',
} as const;

/** View ids (package.json contributes them under the schedOrch container). */
export const VIEW = { runs: 'schedOrch.runs', server: 'schedOrch.server' } as const;
