// String commands, counters and bits included.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toBoolean, toNumber, toNullableStrings, toOk, toOkOrNull, toStringOrNull, toText } from '../replies.js';
import { CommandQueue } from './queue.js';

export interface SetOptions {
  /** Expire after this many seconds. */
  readonly ex?: number;
  /** Expire after this many milliseconds. */
  readonly px?: number;
  readonly nx?: boolean;
  readonly xx?: boolean;
  readonly keepttl?: boolean;
}

export abstract class StringCommands extends CommandQueue {
  get(key: string): DeferredResult<string | null> {
    return this.enqueue('get', [key], toStringOrNull);
  }
  /** 'OK', or null when NX/XX prevented the write. */
  set(key: string, value: RedisArg, options?: SetOptions): DeferredResult<'OK' | null> {
    const args: RedisArg[] = [key, value];
    if (options) {
      if (options.ex !== undefined) args.push('EX', options.ex);
      if (options.px !== undefined) args.push('PX', options.px);
      if (options.nx) args.push('NX');
      if (options.xx) args.push('XX');
      if (options.keepttl) args.push('KEEPTTL');
    }
    return this.enqueue('set', args, toOkOrNull);
  }
  setnx(key: string, value: RedisArg): DeferredResult<boolean> {
    return this.enqueue('setnx', [key, value], toBoolean);
  }
  setex(key: string, seconds: number, value: RedisArg): DeferredResult<'OK'> {
    return this.enqueue('setex', [key, seconds, value], toOk);
  }
  psetex(key: string, milliseconds: number, value: RedisArg): DeferredResult<'OK'> {
    return this.enqueue('psetex', [key, milliseconds, value], toOk);
  }
  getset(key: string, value: RedisArg): DeferredResult<string | null> {
    return this.enqueue('getset', [key, value], toStringOrNull);
  }
  getdel(key: string): DeferredResult<string | null> {
    return this.enqueue('getdel', [key], toStringOrNull);
  }
  mget(...keys: [string, ...string[]]): DeferredResult<(string | null)[]> {
    return this.enqueue('mget', keys, toNullableStrings);
  }
  mset(values: Readonly<Record<string, RedisArg>>): DeferredResult<'OK'> {
    return this.enqueue('mset', flattenRecord(values), toOk);
  }
  msetnx(values: Readonly<Record<string, RedisArg>>): DeferredResult<boolean> {
    return this.enqueue('msetnx', flattenRecord(values), toBoolean);
  }
  // Integer replies need no parser: both clients already answer numbers, and INCR is the hot path.
  incr(key: string): DeferredResult<number> {
    return this.enqueue<number>('incr', [key]);
  }
  incrby(key: string, increment: number): DeferredResult<number> {
    return this.enqueue<number>('incrby', [key, increment]);
  }
  incrbyfloat(key: string, increment: number): DeferredResult<number> {
    return this.enqueue('incrbyfloat', [key, increment], toNumber);
  }
  decr(key: string): DeferredResult<number> {
    return this.enqueue<number>('decr', [key]);
  }
  decrby(key: string, decrement: number): DeferredResult<number> {
    return this.enqueue<number>('decrby', [key, decrement]);
  }
  append(key: string, value: RedisArg): DeferredResult<number> {
    return this.enqueue('append', [key, value], toNumber);
  }
  strlen(key: string): DeferredResult<number> {
    return this.enqueue('strlen', [key], toNumber);
  }
  getrange(key: string, start: number, end: number): DeferredResult<string> {
    return this.enqueue('getrange', [key, start, end], toText);
  }
  setrange(key: string, offset: number, value: RedisArg): DeferredResult<number> {
    return this.enqueue('setrange', [key, offset, value], toNumber);
  }
  getbit(key: string, offset: number): DeferredResult<0 | 1> {
    return this.enqueue('getbit', [key, offset], (r) => (toNumber(r) ? 1 : 0));
  }
  setbit(key: string, offset: number, bit: 0 | 1): DeferredResult<0 | 1> {
    return this.enqueue('setbit', [key, offset, bit], (r) => (toNumber(r) ? 1 : 0));
  }
  bitcount(key: string, range?: readonly [start: number, end: number]): DeferredResult<number> {
    return this.enqueue('bitcount', range ? [key, range[0], range[1]] : [key], toNumber);
  }
}

export function flattenRecord(values: Readonly<Record<string, RedisArg>>): RedisArg[] {
  const args: RedisArg[] = [];
  for (const field of Object.keys(values)) args.push(field, values[field]!);
  if (args.length === 0) throw new TypeError('expected at least one field: Redis rejects an empty field list');
  return args;
}
