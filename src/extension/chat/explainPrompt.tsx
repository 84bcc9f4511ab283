/** The prompt that asks a language model to explain a run or a finding from the report's facts only. */
import { PromptElement, UserMessage, type BasePromptElementProps } from '@vscode/prompt-tsx';

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
