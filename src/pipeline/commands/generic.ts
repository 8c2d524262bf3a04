// The escape hatch for commands gearbox does not type: the reply is whatever the client gives.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { CommandQueue } from './queue.js';

export abstract class GenericCommands extends CommandQueue {
  /**
   * Queues any command. In a cluster it is routed by the keys Redis' command table names
   * (EVAL's numkeys included); a keyless command goes to any primary.
   */
  call<T = unknown>(command: string, ...args: RedisArg[]): DeferredResult<T> {
    if (typeof command !== 'string' || command.length === 0) {
      throw new TypeError('call(command, ...args): the command name must be a non-empty string, e.g. "GET"');
    }
    return this.enqueue<T>(command.toLowerCase(), args);
  }
}
