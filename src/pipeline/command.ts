// One queued Redis command and the DeferredResult it fills in: a single object per command, so a
// pipeline of many commands allocates little beyond the arguments and the replies.
import { DeferredResult } from './deferred.js';

/** Turns the client's reply into the command's typed value; throwing fails only this command. */
export type Parser<T> = (reply: unknown) => T;

/** An argument Redis accepts: numbers are sent in decimal, Buffers as they are. */
export type RedisArg = string | number | Buffer;

export class CommandError extends Error {
  readonly command: string;
  readonly args: readonly RedisArg[];

  constructor(command: string, args: readonly RedisArg[], cause: Error) {
    super(`${describe(command, args)} failed: ${cause.message}`, { cause });
    this.name = 'CommandError';
    this.command = command;
    this.args = args;
  }
}

function describe(command: string, args: readonly RedisArg[]): string {
  const shown = args.slice(0, 3).map((a) => (typeof a === 'string' ? JSON.stringify(a) : String(a)));
  if (args.length > 3) shown.push('...');
  return [command.toUpperCase(), ...shown].join(' ');
}

const NO_ARGS: readonly RedisArg[] = Object.freeze([]);

// `any` by default: a pipeline holds commands of many reply types side by side.
export class QueuedCommand<T = any> extends DeferredResult<T> {
  readonly name: string;
  /** Emptied once the command succeeds: a big pipeline then keeps its replies, not its arguments. */
  args: readonly RedisArg[];
  private readonly parse: Parser<T> | undefined;

  constructor(name: string, args: readonly RedisArg[], parse?: Parser<T>) {
    super();
    this.name = name;
    this.args = args;
    this.parse = parse;
  }

  /** Called by a connection with the client's reply or error for this command. */
  settle(error: Error | null | undefined, reply: unknown): void {
    if (error) return this.fail(new CommandError(this.name, this.args, error));
    if (!this.parse) {
      this.args = NO_ARGS;
      return this.set(reply as T);
    }
    let value: T;
    try {
      value = this.parse(reply);
    } catch (err) {
      return this.fail(new CommandError(this.name, this.args, err as Error));
    }
    this.args = NO_ARGS;
    this.set(value);
  }

  /** Fails this command for a reason outside Redis (lost connection, unroutable key), unless already settled. */
  abort(error: Error): void {
    if (!this.settled) this.fail(new CommandError(this.name, this.args, error));
  }
}

/** A failed command as `pipe.errors` lists it. */
export interface FailedCommand {
  readonly command: string;
  readonly args: readonly RedisArg[];
  readonly error: Error;
}
