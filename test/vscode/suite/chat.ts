/**
 * The @scheduler participant driven through its handler (no signed-in Copilot here, so the
 * chat view cannot route to it) with a recording response stream, without a language model
 * and with a scripted test model; the language-model tools' confirmations and results; the
 * MCP server definition provider with and without an API key.
 */
import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { SchedOrchApi } from '../../../src/extension/extension';
import { RunWorkflowTool } from '../../../src/extension/lm/runWorkflowTool';
import { eventually } from '../../support/mcp/wait';
import { afterEach, test } from '../../support/vscode/runner';
import { scriptPrompts } from './stubs';

let restore: (() => void) | undefined;
afterEach(() => {
  restore?.();
  restore = undefined;
});

async function api(): Promise<SchedOrchApi> {
  const ext = vscode.extensions.getExtension<SchedOrchApi>('sched-orch.sched-orch');
  assert.ok(ext);
  return ext.activate();
}

type Part = { kind: 'markdown' | 'progress' | 'button' | 'reference' | 'anchor'; value: string; args?: unknown[] };

/** A response stream that records what the participant sends. */
function recorder(onProgress?: (text: string) => void): { stream: vscode.ChatResponseStream; parts: Part[]; text(): string } {
  const parts: Part[] = [];
  const stream = {
    markdown: (v: string | vscode.MarkdownString) => parts.push({ kind: 'markdown', value: typeof v === 'string' ? v : v.value }),
    progress: (v: string) => {
      parts.push({ kind: 'progress', value: v });
      onProgress?.(v);
    },
    button: (c: vscode.Command) => parts.push({ kind: 'button', value: c.command, args: c.arguments ?? [] }),
    reference: (v: vscode.Uri | vscode.Location) => parts.push({ kind: 'reference', value: v instanceof vscode.Uri ? v.fsPath : v.uri.fsPath }),
    anchor: (v: vscode.Uri | vscode.Location) => parts.push({ kind: 'anchor', value: v instanceof vscode.Uri ? v.fsPath : v.uri.fsPath }),
    filetree: () => undefined,
    push: () => undefined,
  } as unknown as vscode.ChatResponseStream;
  return {
    stream,
    parts,
    text: () =>
      parts
        .filter((p) => p.kind === 'markdown')
        .map((p) => p.value)
        .join(''),
  };
}

function request(prompt: string, command?: string, model?: vscode.LanguageModelChat): vscode.ChatRequest {
  return { prompt, command, references: [], toolReferences: [], toolInvocationToken: undefined, model } as unknown as vscode.ChatRequest;
}

const context = { history: [] } as unknown as vscode.ChatContext;

/** A language model that answers from a script (a test double: never shipped). */
function scriptedModel(answers: string[]): vscode.LanguageModelChat & { asked: string[] } {
  const asked: string[] = [];
  return {
    id: 'test-model',
    name: 'Test model',
    vendor: 'test',
    family: 'test',
    version: '1',
    maxInputTokens: 16_000,
    countTokens: async (text: string | vscode.LanguageModelChatMessage) => Math.ceil((typeof text === 'string' ? text : JSON.stringify(text.content)).length / 4),
    sendRequest: async (messages: vscode.LanguageModelChatMessage[]) => {
      asked.push(messages.map((m) => m.content.map((p) => (p instanceof vscode.LanguageModelTextPart ? p.value : '')).join('')).join('\n'));
      const answer = answers.shift() ?? '';
      return {
        text: (async function* () {
          yield answer;
        })(),
        stream: (async function* () {
          yield new vscode.LanguageModelTextPart(answer);
        })(),
      };
    },
    asked,
  } as unknown as vscode.LanguageModelChat & { asked: string[] };
}

const token = () => new vscode.CancellationTokenSource().token;

test('@scheduler /compliance runs the check without a model: progress per phase, a summary, working buttons, the report files', async () => {
  const a = await api();
  const r = recorder();
  const result = await a.chat(request('2027-01-04..2027-01-31', 'compliance'), context, r.stream, token());
  const meta = (result as vscode.ChatResult).metadata as { runId: string; workflow: string; findings: number };
  assert.equal(meta.workflow, 'compliance');
  const progress = r.parts.filter((p) => p.kind === 'progress').map((p) => p.value);
  assert.ok(
    progress.some((p) => /ACGME/.test(p)),
    `phases streamed: ${progress.join(' | ')}`,
  );
  const text = r.text();
  assert.match(text, /Running \*\*compliance\*\* with 2027-01-04 to 2027-01-31/);
  assert.match(text, /\*\*Compliance check: /);
  assert.match(text, /Confidence: \d\.\d\d, level \d/);
  assert.match(text, /\*\*Findings\*\* \(\d+; worst first/);
  const buttons = r.parts.filter((p) => p.kind === 'button');
  assert.deepEqual(
    buttons.map((b) => b.value),
    ['schedOrch.openRun', 'schedOrch.exportReport'],
  );
  assert.deepEqual(buttons[0]!.args, [meta.runId]);
  assert.deepEqual(
    r.parts.filter((p) => p.kind === 'reference').map((p) => p.value.slice(-3)),
    ['.md', 'son'],
  );
  // The same run is in the Runs tree's store, as if started from the palette.
  assert.ok(a.app()?.runs.snapshot(meta.runId));
  // The followups offer the natural next step.
  assert.ok(meta.findings > 0);
});

test('@scheduler says clearly what it could not read, and runs nothing', async () => {
  const a = await api();
  const before = a.app()?.runs.list().length ?? 0;
  const r = recorder();
  await a.chat(request('2027-02-30..2027-03-05', 'compliance'), context, r.stream, token());
  assert.match(r.text(), /"2027-02-30" is not a real calendar date/);
  const swap = recorder();
  await a.chat(request('Nobody Known 2027-01-18', 'swap'), context, swap.stream, token());
  assert.match(swap.text(), /nobody called "Nobody Known"/);
  assert.equal(a.app()?.runs.list().length ?? 0, before);
});

test('cancelling the chat request cancels the run', async () => {
  const a = await api();
  const source = new vscode.CancellationTokenSource();
  const r = recorder((text) => {
    if (/Baseline|Contingency/.test(text)) source.cancel();
  });
  const result = await a.chat(request('2027-01-11..2027-01-17 greedy', 'generate'), context, r.stream, source.token);
  assert.match(r.text(), /was cancelled; the server was told to stop/);
  assert.equal((result as vscode.ChatResult).metadata, undefined);
  const run = a.app()?.runs.list()[0]?.snapshot;
  assert.equal(run?.workflowId, 'generate');
  await eventually(() => a.app()?.runs.snapshot(run!.runId)?.state === 'cancelled', 'the run to end cancelled', 30_000);
});

test('/explain without a model uses the report; with a model, an answer with numbers the report lacks is not shown', async () => {
  const a = await api();
  const plain = recorder();
  await a.chat(request('the worst violation', 'explain'), context, plain.stream, token());
  assert.match(plain.text(), /Suggested fix:|Reported by:/);
  assert.match(plain.text(), /From the report of finding /);

  const liar = scriptedModel(['The resident worked 97.3 hours, far above the limit.']);
  const rejected = recorder();
  const result = await a.chat(request('the worst violation', 'explain', liar), context, rejected.stream, token());
  assert.match(rejected.text(), /quoted numbers the report does not contain \(97\.3\)/);
  assert.deepEqual(((result as vscode.ChatResult).metadata as { rejectedNumbers: number[] }).rejectedNumbers, [97.3]);
  assert.match(liar.asked[0]!, /never invent/);

  const honest = scriptedModel(['This is the most serious finding of the run; the suggested fix in the report resolves it.']);
  const accepted = recorder();
  await a.chat(request('the worst violation', 'explain', honest), context, accepted.stream, token());
  assert.match(accepted.text(), /Every number above was checked against the report/);
});

test('free text is mapped to a workflow by the model, else by keyword', async () => {
  const a = await api();
  const model = scriptedModel(['{"command": "compliance", "args": "2027-01-04..2027-01-10 quick"}']);
  const r = recorder();
  const result = await a.chat(request('are we within duty hours in the first week of January?', undefined, model), context, r.stream, token());
  assert.equal(((result as vscode.ChatResult).metadata as { workflow: string }).workflow, 'compliance');
  assert.match(r.text(), /mode quick, 2027-01-04 to 2027-01-10/);
  const help = recorder();
  await a.chat(request('hello'), context, help.stream, token());
  assert.match(help.text(), /\/compliance next month/);
});

test('language-model tools: reads run without confirmation, writes are confirmed first; results are compact text', async () => {
  await api();
  const tool = new RunWorkflowTool(undefined as never);
  const read = await tool.prepareInvocation({ input: { workflow: 'compliance' } } as vscode.LanguageModelToolInvocationPrepareOptions<never>);
  assert.equal((read as vscode.PreparedToolInvocation).confirmationMessages, undefined);
  const write = await tool.prepareInvocation({ input: { workflow: 'generate', inputs: { start_date: '2027-01-11' } } } as vscode.LanguageModelToolInvocationPrepareOptions<never>);
  assert.match(String((write as vscode.PreparedToolInvocation).confirmationMessages?.title), /Schedule generation/);
  for (const name of ['schedOrch_runWorkflow', 'schedOrch_getRun', 'schedOrch_explainFinding', 'schedOrch_listPeople', 'schedOrch_listAssignments']) {
    assert.ok(
      vscode.lm.tools.some((t) => t.name === name),
      `${name} is registered`,
    );
  }
  const people = await vscode.lm.invokeTool('schedOrch_listPeople', { input: {}, toolInvocationToken: undefined });
  const lines = (people.content[0] as vscode.LanguageModelTextPart).value.split('\n');
  assert.ok(lines.length >= 12 && /^r-\d+: /.test(lines[0]!), lines[0]);
  const run = await vscode.lm.invokeTool('schedOrch_runWorkflow', {
    input: { workflow: 'compliance', mode: 'quick', inputs: { start_date: '2027-01-04', end_date: '2027-01-10' } },
    toolInvocationToken: undefined,
  });
  const text = (run.content[0] as vscode.LanguageModelTextPart).value;
  assert.match(text, /^Run compliance-/);
  assert.doesNotMatch(text, /"data"|\{"/, 'a summary, not raw JSON');
});

test('the MCP server definition provider offers the bundled server, and an HTTP server with the key only when resolved', async () => {
  const a = await api();
  const [bundled] = await a.mcpProvider.provideMcpServerDefinitions();
  assert.ok(bundled instanceof vscode.McpStdioServerDefinition);
  assert.ok(bundled.args.some((x) => x.endsWith('server.js')));

  const settings = vscode.workspace.getConfiguration('schedOrch.server');
  const secret = 'sk-test-chat-4711';
  const prompts = scriptPrompts({ inputs: { 'API key': secret } });
  restore = prompts.restore;
  await vscode.commands.executeCommand('schedOrch.setApiKey');
  await settings.update('kind', 'http', vscode.ConfigurationTarget.Global);
  await settings.update('url', 'http://127.0.0.1:9/mcp', vscode.ConfigurationTarget.Global);
  try {
    const [http] = await a.mcpProvider.provideMcpServerDefinitions();
    assert.ok(http instanceof vscode.McpHttpServerDefinition);
    assert.doesNotMatch(JSON.stringify({ label: http.label, uri: http.uri.toString(), headers: http.headers }), new RegExp(secret));
    const resolved = (await a.mcpProvider.resolveMcpServerDefinition(http)) as vscode.McpHttpServerDefinition;
    assert.equal(resolved.headers['Authorization'], `Bearer ${secret}`);
    const saved = JSON.stringify(vscode.workspace.getConfiguration('schedOrch'));
    assert.doesNotMatch(saved, new RegExp(secret), 'the key is in no setting');
  } finally {
    await settings.update('kind', undefined, vscode.ConfigurationTarget.Global);
    await settings.update('url', undefined, vscode.ConfigurationTarget.Global);
    await vscode.commands.executeCommand('schedOrch.clearApiKey');
  }
});
