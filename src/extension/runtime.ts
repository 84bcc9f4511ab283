/**
 * What the extension loads on first use rather than on activation (its own bundle,
 * dist/runtime.js: see scripts/build.mjs): the application with its MCP connection (the SDK),
 * the workflows and everything that parses with zod (settings, chat requests, approval
 * details). Activation registers views and commands only; the first command, view or chat
 * request that needs the application loads this module (loadRuntime.ts).
 */
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { ElicitationBroker, type ElicitationPort } from '../core/app/elicitation';
import { InputChoices } from '../core/app/inputChoices';
import type { InputResponder } from '../core/app/inputBroker';
import { SchedulingApp } from '../core/app/schedulingApp';
import { McpConnection } from '../core/mcp/connection';
import type { ConnectionState } from '../core/mcp/connectionTypes';
import { McpToolInvoker } from '../core/mcp/invoker';
import type { OrchestratorError } from '../core/errors';
import type { Logger } from '../core/util/log';
import { policyOverrides, serverConfigFromSettings } from './serverSettings';
import { connectionLimits, secretApiKeySource } from './settings';

export { describeApproval } from '../core/app/approvalView';
export { CHAT_COMMANDS, parseChatRequest, pickAssignment, resolvePerson } from '../core/app/chatRequest';
export { workflowModule } from '../core/app/schedulingApp';
export { describeServer } from '../core/mcp/config';
export { serverConfigFromSettings, workspaceMcpServers } from './serverSettings';

export interface AppParts {
  context: vscode.ExtensionContext;
  logger: Logger;
  /** Answers the server's requests for input (native dialogs). */
  elicitation: ElicitationPort;
  /** Answers "needs input" questions of runs. */
  inputs: InputResponder;
  onState(state: ConnectionState, error?: OrchestratorError): void;
}

/** The application over a connection made from the settings (not connected yet). */
export async function createApp(parts: AppParts): Promise<SchedulingApp> {
  const { context, logger } = parts;
  const server = await serverConfigFromSettings(context);
  const policies = policyOverrides();
  const elicitation = new ElicitationBroker(parts.elicitation, logger);
  const connection = new McpConnection({
    server,
    logger,
    apiKey: secretApiKeySource(context.secrets),
    ...connectionLimits(),
    clientInfo: { name: 'sched-orch-vscode', version: String((context.extension.packageJSON as { version?: string }).version ?? '0') },
    elicitation: (serverName, params, signal) => elicitation.handle(serverName, params, signal),
  });
  connection.on('state', ({ state, error }) => parts.onState(state, error));
  return SchedulingApp.create({
    connection,
    stateDir: path.join(context.globalStorageUri.fsPath, 'state'),
    logger,
    elicitation,
    defaultInputResponder: parts.inputs,
    ...(policies ? { policies } : {}),
  });
}

/** Reads for input prompts (schedule range, people, assignments) over the application's connection. */
export function inputChoices(app: SchedulingApp): InputChoices {
  return new InputChoices(new McpToolInvoker({ connection: app.connection }));
}
