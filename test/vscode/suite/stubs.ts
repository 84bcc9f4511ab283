/**
 * Scripted answers for the extension's prompts: the test replaces VS Code's quick pick, input
 * box, warning and information dialogs (the extension calls them through the same
 * `vscode.window`), records what was asked, and answers from a script. An input box's own
 * validation runs on each scripted answer, as it would on typing; its messages are recorded.
 * Everything is restored after each test.
 */
import * as vscode from 'vscode';

export interface Asked {
  kind: 'pick' | 'input' | 'warning' | 'information';
  title: string;
  items?: string[];
  detail?: string;
  modal?: boolean;
  /** Messages the input box's validation gave for rejected answers. */
  rejected?: string[];
  password?: boolean;
  canPickMany?: boolean;
}

export interface Script {
  /**
   * Label to pick for a quick pick whose title or placeholder contains the key (else the first
   * item); several labels for a multi-select pick; null: Escape.
   */
  picks?: Record<string, string | string[] | null>;
  /**
   * Answer for an input box whose title or prompt contains the key (else its pre-filled value):
   * with several, each is typed in turn until one passes the box's validation; null: Escape.
   */
  inputs?: Record<string, string | string[] | null>;
  /** Button to press in a warning dialog (undefined: dismiss it). */
  warning?: string;
  /** Button to press in an information dialog (undefined: dismiss it). */
  information?: string;
}

type Window = Record<'showQuickPick' | 'showInputBox' | 'showWarningMessage' | 'showInformationMessage', unknown>;

const find = <T>(map: Record<string, T> | undefined, text: string): T | undefined => Object.entries(map ?? {}).find(([k]) => text.includes(k))?.[1];

export function scriptPrompts(script: Script): { asked: Asked[]; restore(): void } {
  const window = vscode.window as unknown as Window;
  const originals = {
    showQuickPick: window.showQuickPick,
    showInputBox: window.showInputBox,
    showWarningMessage: window.showWarningMessage,
    showInformationMessage: window.showInformationMessage,
  };
  const asked: Asked[] = [];
  window.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
    const list = await items;
    const title = `${options?.title ?? ''} ${options?.placeHolder ?? ''}`;
    asked.push({ kind: 'pick', title, items: list.map((i) => i.label), ...(options?.canPickMany ? { canPickMany: true } : {}) });
    const wanted = find(script.picks, title);
    if (wanted === null) return undefined;
    if (options?.canPickMany) return list.filter((i) => (wanted === undefined ? i.picked === true : [wanted].flat().includes(i.label)));
    return wanted === undefined ? list[0] : list.find((i) => i.label === wanted);
  };
  window.showInputBox = async (options?: vscode.InputBoxOptions) => {
    const title = `${options?.title ?? ''} ${options?.prompt ?? ''}`;
    const entry: Asked = { kind: 'input', title, ...(options?.password ? { password: true } : {}) };
    asked.push(entry);
    const wanted = find(script.inputs, title);
    if (wanted === null) return undefined;
    for (const answer of wanted === undefined ? [options?.value] : [wanted].flat()) {
      if (answer === undefined) return undefined;
      const problem = await options?.validateInput?.(answer);
      const message = typeof problem === 'string' ? problem : problem?.message;
      if (!message) return answer;
      entry.rejected = [...(entry.rejected ?? []), message];
    }
    // No scripted answer passed: the person gives up (Escape).
    return undefined;
  };
  const dialog =
    (kind: 'warning' | 'information', button: string | undefined) =>
    (message: string, ...rest: unknown[]) => {
      const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : undefined;
      asked.push({ kind, title: message, ...(options?.detail ? { detail: options.detail } : {}), modal: options?.modal === true });
      return Promise.resolve(button);
    };
  window.showWarningMessage = dialog('warning', script.warning);
  window.showInformationMessage = dialog('information', script.information);
  return {
    asked,
    restore: () => Object.assign(window, originals),
  };
}

export interface ProgressShown {
  title: string;
  location: vscode.ProgressOptions['location'];
  /** True once its task ended (VS Code closes the notification then). */
  closed: boolean;
}

/** Records every progress notification the extension shows (they still show) and when each closes. */
export function recordProgress(): { shown: ProgressShown[]; restore(): void } {
  const window = vscode.window as unknown as { withProgress: typeof vscode.window.withProgress };
  const original = window.withProgress;
  const shown: ProgressShown[] = [];
  window.withProgress = <R>(options: vscode.ProgressOptions, task: Parameters<typeof vscode.window.withProgress<R>>[1]) => {
    const entry: ProgressShown = { title: options.title ?? '', location: options.location, closed: false };
    shown.push(entry);
    return original(options, (progress, token) => {
      const running = task(progress, token);
      void Promise.resolve(running).then(
        () => (entry.closed = true),
        () => (entry.closed = true),
      );
      return running;
    });
  };
  return { shown, restore: () => (window.withProgress = original) };
}
