/**
 * The @scheduler chat participant. Its commands are read without a language model
 * (src/core/app/chatRequest.ts); with a model, free text is mapped to a command first and
 * /explain answers in plain words whose numbers are checked against the report. Workflows
 * run through the same application as the palette commands (runInChat.ts).
 */
import * as vscode from 'vscode';
import type { ChatCommand } from '../../core/app/chatRequest';
import { localDate } from '../../core/util/clock';
import type { Host } from '../host';
import { loadRuntime } from '../loadRuntime';
import { explainInChat } from './explain';
import { healthMarkdown } from './health';
import { followupsFor, runInChat, type ChatRunMetadata } from './runInChat';

export const PARTICIPANT_ID = 'sched-orch.scheduler';

const HELP = [
  'I run the scheduling workflows. Try:',
  '- `/compliance next month` or `/compliance 2027-01-04..2027-01-31 audit`',
  '- `/resilience this block deep`',
  '- `/generate next week greedy`',
  '- `/swap Nils Moreau 2027-01-18` (the requester and the date of the shift; `with <name>` names a preferred partner)',
  '- `/health` (the server, its capabilities and tool health)',
  '- `/explain the worst violation` (of the latest run)',
].join('\n');

/** Without a model: the command a message names by keyword, if exactly one. */
export function commandByKeyword(text: string): ChatCommand | undefined {
  const lower = text.toLowerCase();
  const hits = (
    [
      ['compliance', /\b(complian\w*|acgme|violations?|duty hours?)\b/],
      ['resilience', /\b(resilien\w*|contingency|n-1|burnout|defen[cs]e level)\b/],
      ['generate', /\b(generate|regenerate|new schedule|draft)\b/],
      ['swap', /\b(swap|trade|exchange)\b/],
      ['health', /\b(health|breakers?|server status)\b/],
      ['explain', /\b(explain|why)\b/],
    ] as const
  ).filter(([, re]) => re.test(lower));
  return hits.length === 1 ? hits[0]![0] : undefined;
}

/** With a model: the command and its arguments from free text, in the deterministic syntax. */
async function commandByModel(model: vscode.LanguageModelChat, text: string, token: vscode.CancellationToken): Promise<{ command: ChatCommand; args: string } | undefined> {
  const { CHAT_COMMANDS } = await loadRuntime();
  const instruction =
    `Map the request to one command of a residency-scheduling assistant: ${CHAT_COMMANDS.join(', ')}. ` +
    'Answer with JSON only: {"command": "<command>", "args": "<arguments>"}. Arguments use YYYY-MM-DD dates, ranges as YYYY-MM-DD..YYYY-MM-DD, ' +
    '"next month", "this week", mode words (quick, standard, audit, deep), and people by name. Request: ';
  const response = await model.sendRequest([vscode.LanguageModelChatMessage.User(instruction + text)], {}, token);
  let answer = '';
  for await (const part of response.text) answer += part;
  const json = /\{[\s\S]*\}/.exec(answer)?.[0];
  if (!json) return undefined;
  try {
    const parsed = JSON.parse(json) as { command?: unknown; args?: unknown };
    const command = CHAT_COMMANDS.find((c) => c === parsed.command);
    return command ? { command, args: typeof parsed.args === 'string' ? parsed.args : '' } : undefined;
  } catch {
    return undefined;
  }
}

type Workflow = Exclude<ChatCommand, 'health' | 'explain'>;

async function runWorkflow(host: Host, command: Workflow, text: string, stream: vscode.ChatResponseStream, token: vscode.CancellationToken): Promise<vscode.ChatResult> {
  const choices = await host.choices();
  const { parseChatRequest, pickAssignment, resolvePerson } = await loadRuntime();
  const controller = new AbortController();
  const cancel = token.onCancellationRequested(() => controller.abort());
  try {
    const today = localDate(Date.now());
    const schedule = await choices.schedule(controller.signal);
    const parsed = parseChatRequest(command, text, { today, ...(schedule ? { schedule } : {}) });
    if (!parsed.ok) {
      stream.markdown(`I could not read that: ${parsed.message}.`);
      return { metadata: { error: parsed.message } };
    }
    const inputs = { ...parsed.inputs };
    if (command === 'swap') {
      const people = await choices.people(controller.signal);
      for (const mention of parsed.people) {
        const match = resolvePerson(mention.text, people);
        if (!match.ok) {
          stream.markdown(match.message);
          return { metadata: { question: match.message } };
        }
        inputs[mention.role] = match.choice.value;
        parsed.understood.push(`${mention.role} ${match.choice.label} (${match.choice.value})`);
      }
      const requester = people.find((p) => p.value === inputs['requester']);
      const picked = pickAssignment(await choices.assignments(String(inputs['requester']), today, controller.signal), parsed.date, requester?.label ?? String(inputs['requester']));
      if (!picked.ok) {
        stream.markdown(picked.message);
        return { metadata: { question: picked.message } };
      }
      inputs['assignment_id'] = picked.choice.value;
      parsed.understood.push(`assignment ${picked.choice.label} (${picked.choice.value})`);
    }
    if (parsed.understood.length > 0) stream.markdown(`Running **${command}** with ${parsed.understood.join(', ')}.\n\n`);
    const meta = await runInChat(host, { workflow: parsed.workflow, mode: parsed.mode, inputs }, stream, token);
    return meta ? { metadata: meta } : {};
  } finally {
    cancel.dispose();
  }
}

export function chatHandler(host: Host): vscode.ChatRequestHandler {
  return async (request, _context, stream, token) => {
    const { CHAT_COMMANDS } = await loadRuntime();
    let command = CHAT_COMMANDS.find((c) => c === request.command);
    let text = request.prompt;
    if (!command) {
      const viaModel = request.model ? await commandByModel(request.model, text, token).catch(() => undefined) : undefined;
      if (viaModel) ({ command, args: text } = viaModel);
      else command = commandByKeyword(text);
    }
    try {
      switch (command) {
        case undefined:
          stream.markdown(HELP);
          return {};
        case 'health':
          stream.progress('Connecting to the scheduling server…');
          stream.markdown(healthMarkdown(await host.connected()));
          return {};
        case 'explain':
          return await explainInChat(host, text, request.model, stream, token);
        default:
          return await runWorkflow(host, command, text, stream, token);
      }
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      stream.markdown(`The scheduling server could not be used: ${message}`);
      return { errorDetails: { message } };
    }
  };
}

export function registerChatParticipant(context: vscode.ExtensionContext, host: Host): vscode.Disposable {
  const participant = vscode.chat.createChatParticipant(PARTICIPANT_ID, chatHandler(host));
  participant.iconPath = vscode.Uri.joinPath(context.extensionUri, 'media', 'scheduler.svg');
  participant.followupProvider = {
    provideFollowups: (result) => {
      const meta = result.metadata as Partial<ChatRunMetadata> | undefined;
      return meta?.runId && meta.workflow ? followupsFor(meta as ChatRunMetadata) : [];
    },
  };
  return participant;
}
