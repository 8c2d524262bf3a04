import type { RedisLink } from './redis-link.js';
import type { Atomic } from './atomic.js';

export type Execute = (command: string, ...args: unknown[]) => Promise<any>;

/** execute(command, ...args): one Redis command on the shard, inside the current atomic() when there is one. */
export function makeExecute(redis: RedisLink, atomic: Atomic): Execute {
  return (command, ...args) => {
    if (typeof command !== 'string' || command.length === 0)
      return Promise.reject(new Error('execute: the first argument must be a Redis command name'));
    const tx = atomic.current();
    return tx ? atomic.call(tx, command, args) : redis.call(command, ...args);
  };
}
