// What a pipe has gathered but not yet executed: commands per named connection, callbacks, and
// nested pipelines whose async bodies have not finished. A nested pipeline keeps its own Batches and
// hands them to its parent only when its body succeeds, so a body that throws contributes nothing.
import type { FailedCommand, QueuedCommand } from './command.js';

export class Batches {
  /** The connection of the pipe that owns these batches: its queue is a field, not a map lookup. */
  readonly name: string;
  private primary: QueuedCommand[] = [];
  private others: Map<string, QueuedCommand[]> | undefined;
  callbacks: (() => void)[] = [];
  /** Nested pipelines still running async bodies; they merge in before this executes or merges. */
  pending: Promise<void>[] = [];
  /** Set once these batches executed or moved into a parent: later commands would be lost. */
  closed = false;
  /** The batches these were merged into, to find the outermost pipeline's errors. */
  mergedInto: Batches | undefined;
  /** The failed commands, once the outermost pipeline has executed. */
  failures: readonly FailedCommand[] | undefined;

  constructor(name: string) {
    this.name = name;
  }

  queueFor(name: string): QueuedCommand[] {
    if (name === this.name) return this.primary;
    this.others ??= new Map();
    let queue = this.others.get(name);
    if (!queue) this.others.set(name, (queue = []));
    return queue;
  }

  /** Every non-empty queue with its connection name. */
  queues(): [string, QueuedCommand[]][] {
    const out: [string, QueuedCommand[]][] = this.primary.length > 0 ? [[this.name, this.primary]] : [];
    if (this.others) for (const entry of this.others) if (entry[1].length > 0) out.push(entry);
    return out;
  }

  /** Moves everything into `parent`. An empty queue there is replaced, not copied into: nesting stays cheap. */
  mergeInto(parent: Batches): void {
    for (const [name, commands] of this.queues()) {
      const target = parent.queueFor(name);
      if (target.length === 0) parent.replaceQueue(name, commands);
      else for (let i = 0; i < commands.length; i++) target.push(commands[i]!);
    }
    if (parent.callbacks.length === 0) parent.callbacks = this.callbacks;
    else for (const callback of this.callbacks) parent.callbacks.push(callback);
    this.close(parent);
  }

  close(mergedInto?: Batches): void {
    this.closed = true;
    this.mergedInto = mergedInto;
  }

  /** Drops the queues once executed: the replies live on in the DeferredResults callers hold. */
  clear(): void {
    this.primary = [];
    this.others = undefined;
    this.callbacks = [];
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
    for (const [, commands] of this.queues()) for (const command of commands) command.abort(error);
  }

  outermost(): Batches {
    return this.mergedInto ? this.mergedInto.outermost() : this;
  }

  private replaceQueue(name: string, commands: QueuedCommand[]): void {
    if (name === this.name) this.primary = commands;
    else this.others!.set(name, commands);
  }
}
