// Hash commands.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toBoolean, toNumber, toNullableStrings, toRecord, toScanPage, toStringOrNull, toStrings } from '../replies.js';
import { CommandQueue } from './queue.js';
import { flattenRecord } from './strings.js';

export abstract class HashCommands extends CommandQueue {
  hget(key: string, field: string): DeferredResult<string | null> {
    return this.enqueue('hget', [key, field], toStringOrNull);
  }
  /** Sets one field, or every field of `values`; answers how many fields were new. */
  hset(key: string, field: string, value: RedisArg): DeferredResult<number>;
  hset(key: string, values: Readonly<Record<string, RedisArg>>): DeferredResult<number>;
  hset(
    key: string,
    fieldOrValues: string | Readonly<Record<string, RedisArg>>,
    value?: RedisArg,
  ): DeferredResult<number> {
    if (typeof fieldOrValues === 'string') {
      if (value === undefined) throw new TypeError(`hset(${JSON.stringify(key)}, field, value): the value is missing`);
      return this.enqueue('hset', [key, fieldOrValues, value], toNumber);
    }
    return this.enqueue('hset', [key, ...flattenRecord(fieldOrValues)], toNumber);
  }
  hsetnx(key: string, field: string, value: RedisArg): DeferredResult<boolean> {
    return this.enqueue('hsetnx', [key, field, value], toBoolean);
  }
  hmget(key: string, ...fields: [string, ...string[]]): DeferredResult<(string | null)[]> {
    return this.enqueue('hmget', [key, ...fields], toNullableStrings);
  }
  hgetall(key: string): DeferredResult<Record<string, string>> {
    return this.enqueue('hgetall', [key], toRecord);
  }
  hdel(key: string, ...fields: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('hdel', [key, ...fields], toNumber);
  }
  hexists(key: string, field: string): DeferredResult<boolean> {
    return this.enqueue('hexists', [key, field], toBoolean);
  }
  hincrby(key: string, field: string, increment: number): DeferredResult<number> {
    return this.enqueue('hincrby', [key, field, increment], toNumber);
  }
  hincrbyfloat(key: string, field: string, increment: number): DeferredResult<number> {
    return this.enqueue('hincrbyfloat', [key, field, increment], toNumber);
  }
  hkeys(key: string): DeferredResult<string[]> {
    return this.enqueue('hkeys', [key], toStrings);
  }
  hvals(key: string): DeferredResult<string[]> {
    return this.enqueue('hvals', [key], toStrings);
  }
  hlen(key: string): DeferredResult<number> {
    return this.enqueue('hlen', [key], toNumber);
  }
  hstrlen(key: string, field: string): DeferredResult<number> {
    return this.enqueue('hstrlen', [key, field], toNumber);
  }
  /** One HSCAN step: the cursor and the flat field/value list. */
  hscan(
    key: string,
    cursor: string | number,
    match?: string,
    count?: number,
  ): DeferredResult<readonly [string, string[]]> {
    return this.enqueue('hscan', scanArgs(key, cursor, match, count), toScanPage);
  }
}

export function scanArgs(key: string, cursor: string | number, match?: string, count?: number): RedisArg[] {
  const args: RedisArg[] = [key, cursor];
  if (match !== undefined) args.push('MATCH', match);
  if (count !== undefined) args.push('COUNT', count);
  return args;
}
