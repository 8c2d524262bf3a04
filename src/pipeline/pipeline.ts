// The pipe a pipeline body receives: every typed command (mixed in from ./commands) queues here and
// returns its DeferredResult. Running bodies, nesting and executing are ./context.ts's job.
import { QueuedCommand, type FailedCommand, type Parser, type RedisArg } from './command.js';
import type { DeferredResult } from './deferred.js';
import { Batches } from './batches.js';
import { CommandQueue, applyCommands, type RedisCommands } from './commands/index.js';
import { getConnection } from './connections/registry.js';

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging -- the command groups are mixed in below
export class Pipeline extends CommandQueue {
  /** The named connection this pipe's commands go to. */
  readonly connectionName: string;
  /** Whether the outermost pipeline wraps each connection's commands in MULTI/EXEC. */
  readonly transaction: boolean;
  /** @internal shared with views of this pipe on other connections */
  readonly batches: Batches;

  /** @internal pipes come from `pipeline()`, or from `using()` on another pipe */
  constructor(connectionName: string, transaction: boolean, batches: Batches) {
    super();
    this.connectionName = connectionName;
    this.transaction = transaction;
    this.batches = batches;
  }

  enqueue<T>(name: string, args: readonly RedisArg[], parse?: Parser<T>): DeferredResult<T> {
    if (this.batches.closed) throw closedError();
    const command = new QueuedCommand<T>(name, args, parse);
    this.batches.queueFor(this.connectionName).push(command);
    return command;
  }

  /** Runs `callback` after the outermost pipeline has executed, in the order callbacks were added. */
  onExecute(callback: () => void): void {
    if (typeof callback !== 'function') throw new TypeError('onExecute(callback): the callback must be a function');
    if (this.batches.closed) throw closedError();
    this.batches.callbacks.push(callback);
  }

  /**
   * The same pipeline, queueing on another named connection: keyspaces bound to one use this, so
   * their commands still go out with the caller's, in one round trip per connection.
   */
  using(connectionName: string): Pipeline {
    if (connectionName === this.connectionName) return this;
    getConnection(connectionName);
    return new Pipeline(connectionName, this.transaction, this.batches);
  }

  /** After the outermost pipeline executed: each failed command with its arguments and error. */
  get errors(): readonly FailedCommand[] {
    return this.batches.outermost().failures ?? [];
  }
}

// The command groups' methods land on Pipeline.prototype; this interface gives them their types.
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging, @typescript-eslint/no-empty-object-type
export interface Pipeline extends RedisCommands {}
applyCommands(Pipeline);

function closedError(): Error {
  return new Error(
    'this pipeline has already executed (or handed its commands to its parent): queue commands inside the ' +
      'pipeline body, or start a new pipeline',
  );
}
