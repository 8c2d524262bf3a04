// List commands.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toNumber, toNumberOrNull, toOk, toStringOrNull, toStrings } from '../replies.js';
import { CommandQueue } from './queue.js';

export type ListEnd = 'LEFT' | 'RIGHT';

export abstract class ListCommands extends CommandQueue {
  lpush(key: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('lpush', [key, ...values], toNumber);
  }
  rpush(key: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('rpush', [key, ...values], toNumber);
  }
  lpushx(key: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('lpushx', [key, ...values], toNumber);
  }
  rpushx(key: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('rpushx', [key, ...values], toNumber);
  }
  lpop(key: string): DeferredResult<string | null> {
    return this.enqueue('lpop', [key], toStringOrNull);
  }
  rpop(key: string): DeferredResult<string | null> {
    return this.enqueue('rpop', [key], toStringOrNull);
  }
  lrange(key: string, start: number, stop: number): DeferredResult<string[]> {
    return this.enqueue('lrange', [key, start, stop], toStrings);
  }
  llen(key: string): DeferredResult<number> {
    return this.enqueue('llen', [key], toNumber);
  }
  lindex(key: string, index: number): DeferredResult<string | null> {
    return this.enqueue('lindex', [key, index], toStringOrNull);
  }
  lset(key: string, index: number, value: RedisArg): DeferredResult<'OK'> {
    return this.enqueue('lset', [key, index, value], toOk);
  }
  lrem(key: string, count: number, value: RedisArg): DeferredResult<number> {
    return this.enqueue('lrem', [key, count, value], toNumber);
  }
  ltrim(key: string, start: number, stop: number): DeferredResult<'OK'> {
    return this.enqueue('ltrim', [key, start, stop], toOk);
  }
  /** The list's new length, or -1 when `pivot` is not in the list. */
  linsert(key: string, where: 'BEFORE' | 'AFTER', pivot: RedisArg, value: RedisArg): DeferredResult<number> {
    return this.enqueue('linsert', [key, where, pivot, value], toNumber);
  }
  lpos(key: string, value: RedisArg): DeferredResult<number | null> {
    return this.enqueue('lpos', [key, value], toNumberOrNull);
  }
  lmove(source: string, destination: string, from: ListEnd, to: ListEnd): DeferredResult<string | null> {
    return this.enqueue('lmove', [source, destination, from, to], toStringOrNull);
  }
  rpoplpush(source: string, destination: string): DeferredResult<string | null> {
    return this.enqueue('rpoplpush', [source, destination], toStringOrNull);
  }
}
