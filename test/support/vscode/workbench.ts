/**
 * The VS Code workbench (code-server in Chromium) as a user works it, through Playwright:
 * the command palette, notifications, the status bar, the webview of the active editor,
 * and screenshots a reviewer can look at.
 */
import { join } from 'node:path';
import type { FrameLocator, Locator, Page } from 'playwright-core';

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly artifactsDir: string,
  ) {}

  /** The workbench has rendered and its extension host is up (the status bar appears with it). */
  async ready(): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: 90_000 });
    await this.page.locator('.part.statusbar').waitFor({ timeout: 90_000 });
  }

  /**
   * Opens the command palette (F1) and types `title`; resolves once a matching row shows.
   * The palette does not refresh while open, and an extension's commands appear only once the
   * extension host has registered them, so it is reopened until they do (or until it opens at all).
   */
  async findCommand(title: string, timeoutMs = 60_000): Promise<Locator> {
    const deadline = Date.now() + timeoutMs;
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    for (;;) {
      await this.page.keyboard.press('F1');
      const input = this.quickInput();
      try {
        // F1 pressed while the previous quick input is still closing finds that one, which then hides.
        await input.waitFor({ timeout: 10_000 });
        await input.fill(`>${title}`, { timeout: 5_000 });
        await row.waitFor({ timeout: 2000 });
        return row;
      } catch (error) {
        if (Date.now() > deadline) throw error;
        await this.page.keyboard.press('Escape');
        await input.waitFor({ state: 'hidden' });
      }
    }
  }

  async runCommand(title: string): Promise<void> {
    await this.findCommand(title);
    await this.page.keyboard.press('Enter');
  }

  quickInput(): Locator {
    return this.page.locator('.quick-input-widget input.input');
  }

  /**
   * Answers the open quick input `widget` (typing `text`, if any) and waits until it is gone.
   * Enter goes to the input itself: pressed on the page it goes wherever the focus is, and a
   * panel drawn meanwhile may have taken it (the prompt then stayed open).
   */
  async answerQuickInput(widget: Locator, text?: string): Promise<void> {
    if (text !== undefined) await this.quickInput().fill(text);
    await this.quickInput().press('Enter');
    await widget.waitFor({ state: 'hidden', timeout: 30_000 });
  }

  notification(text: string): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  /** Dismisses every notification (error toasts stay until dismissed and would match later waits). */
  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached' });
  }

  statusBarItem(text: string): Locator {
    return this.page.locator('.part.statusbar .statusbar-item', { hasText: text });
  }

  /** The content of the (single) webview shown in the editor area. */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview').frameLocator('iframe#active-frame');
  }

  /** Saves `<name>.png` (the whole window, or one element) among the test artifacts. */
  async screenshot(name: string, element?: Locator): Promise<void> {
    const path = join(this.artifactsDir, `${name}.png`);
    await (element ? element.screenshot({ path }) : this.page.screenshot({ path }));
  }
}
