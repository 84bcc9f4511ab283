/**
 * Where breaker and cache state survive a restart. A port, so hosts choose the folder
 * (VS Code: globalStorage; CLI: a state directory) and tests use a temporary one.
 */
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../util/log';

export interface StateStore {
  /** The stored value, or undefined when nothing was stored (or it is unreadable). */
  read(name: string): Promise<unknown>;
  write(name: string, value: unknown): Promise<void>;
}

const NAME = /^[A-Za-z0-9._-]+$/;

/** One JSON file per name in `dir`, replaced atomically (write a temporary file, then rename). */
export class JsonFileStateStore implements StateStore {
  private seq = 0;

  constructor(
    private readonly dir: string,
    private readonly logger?: Logger,
  ) {}

  async read(name: string): Promise<unknown> {
    try {
      return JSON.parse(await fs.readFile(this.path(name), 'utf8')) as unknown;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
        // A damaged state file must not stop the engine: start clean and say so.
        this.logger?.log('warn', `Ignoring unreadable state file ${name}.json`, { error: String(error) });
      }
      return undefined;
    }
  }

  async write(name: string, value: unknown): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    const tmp = `${this.path(name)}.${process.pid}.${++this.seq}.tmp`;
    await fs.writeFile(tmp, JSON.stringify(value), 'utf8');
    await fs.rename(tmp, this.path(name));
  }

  private path(name: string): string {
    if (!NAME.test(name)) throw new Error(`Invalid state name "${name}"`);
    return join(this.dir, `${name}.json`);
  }
}

/**
 * Saves a snapshot in the background whenever it changes, never two writes at once and
 * always the latest state; `flush()` waits until what changed so far is on disk.
 */
export class CoalescingSaver {
  private dirty = false;
  private running: Promise<void> | undefined;

  constructor(
    private readonly store: StateStore | undefined,
    private readonly name: string,
    private readonly snapshot: () => unknown,
    private readonly logger?: Logger,
  ) {}

  markDirty(): void {
    if (!this.store) return;
    this.dirty = true;
    this.running ??= this.loop();
  }

  async flush(): Promise<void> {
    while (this.running) await this.running;
  }

  private async loop(): Promise<void> {
    try {
      // Let the change that marked us dirty finish before taking the snapshot.
      await Promise.resolve();
      while (this.dirty) {
        this.dirty = false;
        try {
          await this.store!.write(this.name, this.snapshot());
        } catch (error) {
          this.logger?.log('warn', `Could not save ${this.name} state`, { error: String(error) });
        }
      }
    } finally {
      this.running = undefined;
    }
  }
}
