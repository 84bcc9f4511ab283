/**
 * Scripted answers for the extension's prompts: the test replaces VS Code's quick pick, input
 * box and warning dialog (the extension calls them through the same `vscode.window`), records
 * what was asked, and answers from a script. Everything is restored after each test.
 */
import * as vscode from 'vscode';

export interface Asked {
  kind: 'pick' | 'input' | 'warning';
  title: string;
  items?: string[];
  detail?: string;
  modal?: boolean;
}

export interface Script {
  /** Label to pick for a quick pick whose title or placeholder contains the key (else the first item). */
  picks?: Record<string, string>;
  /** Answer for an input box whose title or prompt contains the key (else its pre-filled value). */
  inputs?: Record<string, string>;
  /** Button to press in a warning dialog (undefined: dismiss it). */
  warning?: string;
}

type Window = Record<'showQuickPick' | 'showInputBox' | 'showWarningMessage', unknown>;

const find = <T>(map: Record<string, T> | undefined, text: string): T | undefined => Object.entries(map ?? {}).find(([k]) => text.includes(k))?.[1];

export function scriptPrompts(script: Script): { asked: Asked[]; restore(): void } {
  const window = vscode.window as unknown as Window;
  const originals = { showQuickPick: window.showQuickPick, showInputBox: window.showInputBox, showWarningMessage: window.showWarningMessage };
  const asked: Asked[] = [];
  window.showQuickPick = async (items: readonly vscode.QuickPickItem[] | Thenable<readonly vscode.QuickPickItem[]>, options?: vscode.QuickPickOptions) => {
    const list = await items;
    const title = `${options?.title ?? ''} ${options?.placeHolder ?? ''}`;
    asked.push({ kind: 'pick', title, items: list.map((i) => i.label) });
    const wanted = find(script.picks, title);
    return wanted === undefined ? list[0] : list.find((i) => i.label === wanted);
  };
  window.showInputBox = (options?: vscode.InputBoxOptions) => {
    const title = `${options?.title ?? ''} ${options?.prompt ?? ''}`;
    asked.push({ kind: 'input', title });
    return Promise.resolve(find(script.inputs, title) ?? options?.value);
  };
  window.showWarningMessage = (message: string, ...rest: unknown[]) => {
    const options = typeof rest[0] === 'object' && rest[0] !== null ? (rest[0] as vscode.MessageOptions) : undefined;
    asked.push({ kind: 'warning', title: message, ...(options?.detail ? { detail: options.detail } : {}), modal: options?.modal === true });
    return Promise.resolve(script.warning);
  };
  return {
    asked,
    restore: () => Object.assign(window, originals),
  };
}
