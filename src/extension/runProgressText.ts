/**
 * What a run's progress notification says. A question waiting for the user (an approval,
 * a needed input) stays the message until it is answered, whatever else the run reports
 * meanwhile: a step finishing beside it said "done" while the run in fact waited for them.
 * Otherwise the latest news: a step done, a phase started, the server's own progress.
 * Kept free of `vscode` so that it can be tested alone.
 */
import type { RunEvent } from '../core/engine/events';

export class RunProgressText {
  /** Questions waiting for the user, by step, in the order asked. */
  private readonly waiting = new Map<string, string>();
  private latest = '';

  /** The message after `event`, or undefined when the event does not change it. */
  next(event: RunEvent): string | undefined {
    const before = this.text();
    switch (event.type) {
      case 'approval_requested':
        this.waiting.set(event.stepId, `waiting for approval: ${event.request.title}`);
        break;
      case 'input_requested':
        this.waiting.set(event.stepId, `waiting for input: ${event.request.need.arg}`);
        break;
      case 'approval_answered':
      case 'input_answered':
        this.waiting.delete(event.stepId);
        break;
      case 'step_finished':
        // A step that ends unanswered (cancelled, timed out) waits no more.
        this.waiting.delete(event.stepId);
        this.latest = `done: ${event.result.title ?? event.stepId}`;
        break;
      case 'phase_started':
        this.latest = event.title;
        break;
      case 'progress':
        if (event.message) this.latest = event.message;
        break;
      default:
        return undefined;
    }
    const after = this.text();
    return after !== before ? after : undefined;
  }

  /** The message now (a progress report without one would blank the notification's). */
  get current(): string {
    return this.text();
  }

  private text(): string {
    const first = this.waiting.values().next();
    return first.done ? this.latest : first.value;
  }
}
