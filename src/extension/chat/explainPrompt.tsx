/**
 * The prompt that asks a language model to explain a run or a finding from the report's facts
 * only. This module is its own bundle (dist/chat.js, see scripts/build.mjs): prompt-tsx is
 * loaded on the first /explain with a model, not when the extension activates.
 */
import { PromptElement, renderPrompt, UserMessage, type BasePromptElementProps } from '@vscode/prompt-tsx';
import type * as vscode from 'vscode';

export interface ExplainProps extends BasePromptElementProps {
  /** What the person asked. */
  question: string;
  /** The report's words and numbers the answer may use. */
  facts: string;
}

export class ExplainPrompt extends PromptElement<ExplainProps> {
  render() {
    return (
      <>
        <UserMessage priority={100}>
          You explain the results of a residency-scheduling run to a program coordinator, in plain language and in a few short paragraphs. Use only the numbers, dates, names and
          rules written in the facts below: never invent, estimate or compute a new number. When the facts do not answer the question, say so.
        </UserMessage>
        <UserMessage priority={90}>
          Facts from the run report:
          <br />
          {this.props.facts}
        </UserMessage>
        <UserMessage priority={80}>{this.props.question}</UserMessage>
      </>
    );
  }
}

/** The chat messages for the model, trimmed to its prompt budget. */
export async function renderExplainPrompt(props: Pick<ExplainProps, 'question' | 'facts'>, model: vscode.LanguageModelChat): Promise<vscode.LanguageModelChatMessage[]> {
  const { messages } = await renderPrompt(ExplainPrompt, props, { modelMaxPromptTokens: model.maxInputTokens }, model);
  return messages;
}
