// What a pipe has gathered but not yet executed: commands per named connection, callbacks, and
// nested pipelines whose async bodies have not finished. A nested pipeline keeps its own Batches and
// hands them to its parent only when its body succeeds, so a body that throws contributes nothing.
import type { FailedCommand, QueuedCommand } from './command.js';

export class Batches {
  readonly commands = new Map<string, QueuedCommand[]>();
  readonly callbacks: (() => void)[] = [];
  /** Nested pipelines still running async bodies; they merge in before this executes or merges. */
  pending: Promise<void>[] = [];
  /** Set once these batches executed or moved into a parent: later commands would be lost. */
  closed = false;
  /** The batches these were merged into, to find the outermost pipeline's errors. */
  mergedInto: Batches | undefined;
  /** The failed commands, once the outermost pipeline has executed. */
  failures: readonly FailedCommand[] | undefined;

  queueFor(name: string): QueuedCommand[] {
    let queue = this.commands.get(name);
    if (!queue) {
      queue = [];
      this.commands.set(name, queue);
    }
    return queue;
  }

  /** Moves everything into `parent`; the arrays views hold keep their identity in both. */
  mergeInto(parent: Batches): void {
    for (const [name, commands] of this.commands) {
      const target = parent.queueFor(name);
      for (let i = 0; i < commands.length; i++) target.push(commands[i]!);
    }
    for (const callback of this.callbacks) parent.callbacks.push(callback);
    this.close(parent);
  }

  close(mergedInto?: Batches): void {
    this.closed = true;
    this.mergedInto = mergedInto;
  }

  /** Waits for nested async bodies, including those they start while being waited for. */
  async drainPending(): Promise<void> {
    while (this.pending.length > 0) {
      const waiting = this.pending;
      this.pending = [];
      await Promise.all(waiting);
    }
  }

  /** Fails every queued command that never ran, so nobody awaits it forever. */
  abortAll(error: Error): void {
    for (const commands of this.commands.values()) for (const command of commands) command.abort(error);
  }

  outermost(): Batches {
    return this.mergedInto ? this.mergedInto.outermost() : this;
  }
}
