// HyperLogLog commands.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toBoolean, toNumber, toOk } from '../replies.js';
import { CommandQueue } from './queue.js';

export abstract class HyperLogLogCommands extends CommandQueue {
  /** True when the estimate changed. */
  pfadd(key: string, ...elements: RedisArg[]): DeferredResult<boolean> {
    return this.enqueue('pfadd', [key, ...elements], toBoolean);
  }
  pfcount(...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('pfcount', keys, toNumber);
  }
  pfmerge(destination: string, ...sources: [string, ...string[]]): DeferredResult<'OK'> {
    return this.enqueue('pfmerge', [destination, ...sources], toOk);
  }
}
