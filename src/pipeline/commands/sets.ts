// Set commands.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toBoolean, toNumber, toScanPage, toStringOrNull, toStrings } from '../replies.js';
import { CommandQueue } from './queue.js';
import { scanArgs } from './hashes.js';

export abstract class SetCommands extends CommandQueue {
  sadd(key: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('sadd', [key, ...members], toNumber);
  }
  srem(key: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('srem', [key, ...members], toNumber);
  }
  smembers(key: string): DeferredResult<string[]> {
    return this.enqueue('smembers', [key], toStrings);
  }
  sismember(key: string, member: RedisArg): DeferredResult<boolean> {
    return this.enqueue('sismember', [key, member], toBoolean);
  }
  smismember(key: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<boolean[]> {
    return this.enqueue('smismember', [key, ...members], (r) => (r as unknown[]).map(toBoolean));
  }
  scard(key: string): DeferredResult<number> {
    return this.enqueue('scard', [key], toNumber);
  }
  spop(key: string): DeferredResult<string | null> {
    return this.enqueue('spop', [key], toStringOrNull);
  }
  srandmember(key: string): DeferredResult<string | null> {
    return this.enqueue('srandmember', [key], toStringOrNull);
  }
  smove(source: string, destination: string, member: RedisArg): DeferredResult<boolean> {
    return this.enqueue('smove', [source, destination, member], toBoolean);
  }
  sinter(...keys: [string, ...string[]]): DeferredResult<string[]> {
    return this.enqueue('sinter', keys, toStrings);
  }
  sunion(...keys: [string, ...string[]]): DeferredResult<string[]> {
    return this.enqueue('sunion', keys, toStrings);
  }
  sdiff(...keys: [string, ...string[]]): DeferredResult<string[]> {
    return this.enqueue('sdiff', keys, toStrings);
  }
  sinterstore(destination: string, ...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('sinterstore', [destination, ...keys], toNumber);
  }
  sunionstore(destination: string, ...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('sunionstore', [destination, ...keys], toNumber);
  }
  sdiffstore(destination: string, ...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('sdiffstore', [destination, ...keys], toNumber);
  }
  sscan(
    key: string,
    cursor: string | number,
    match?: string,
    count?: number,
  ): DeferredResult<readonly [string, string[]]> {
    return this.enqueue('sscan', scanArgs(key, cursor, match, count), toScanPage);
  }
}
