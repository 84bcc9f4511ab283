/** Registers the language-model tools (package.json declares each with its schema and descriptions). */
import * as vscode from 'vscode';
import type { Host } from '../host';
import { EXPLAIN_FINDING_TOOL, ExplainFindingTool } from './explainFindingTool';
import { GET_RUN_TOOL, GetRunTool } from './getRunTool';
import { LIST_ASSIGNMENTS_TOOL, ListAssignmentsTool } from './listAssignmentsTool';
import { LIST_PEOPLE_TOOL, ListPeopleTool } from './listPeopleTool';
import { RUN_WORKFLOW_TOOL, RunWorkflowTool } from './runWorkflowTool';

export function registerLanguageModelTools(host: Host): vscode.Disposable[] {
  return [
    vscode.lm.registerTool(RUN_WORKFLOW_TOOL, new RunWorkflowTool(host)),
    vscode.lm.registerTool(GET_RUN_TOOL, new GetRunTool(host)),
    vscode.lm.registerTool(EXPLAIN_FINDING_TOOL, new ExplainFindingTool(host)),
    vscode.lm.registerTool(LIST_PEOPLE_TOOL, new ListPeopleTool(host)),
    vscode.lm.registerTool(LIST_ASSIGNMENTS_TOOL, new ListAssignmentsTool(host)),
  ];
}
