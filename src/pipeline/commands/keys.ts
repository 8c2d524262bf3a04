// Commands on any key, whatever its type.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toBoolean, toNumber, toOk, toScanPage, toStringOrNull, toStrings, toText } from '../replies.js';
import { CommandQueue } from './queue.js';

export type KeyType = 'string' | 'list' | 'set' | 'zset' | 'hash' | 'stream' | 'none';
export type ExpireMode = 'NX' | 'XX' | 'GT' | 'LT';

export interface ScanOptions {
  readonly match?: string;
  readonly count?: number;
  readonly type?: Exclude<KeyType, 'none'>;
}

export abstract class KeyCommands extends CommandQueue {
  del(...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('del', keys, toNumber);
  }
  unlink(...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('unlink', keys, toNumber);
  }
  /** How many of the keys exist (a key named twice counts twice, as in Redis). */
  exists(...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('exists', keys, toNumber);
  }
  expire(key: string, seconds: number, mode?: ExpireMode): DeferredResult<boolean> {
    return this.enqueue('expire', mode ? [key, seconds, mode] : [key, seconds], toBoolean);
  }
  pexpire(key: string, milliseconds: number, mode?: ExpireMode): DeferredResult<boolean> {
    return this.enqueue('pexpire', mode ? [key, milliseconds, mode] : [key, milliseconds], toBoolean);
  }
  expireat(key: string, unixSeconds: number): DeferredResult<boolean> {
    return this.enqueue('expireat', [key, unixSeconds], toBoolean);
  }
  pexpireat(key: string, unixMilliseconds: number): DeferredResult<boolean> {
    return this.enqueue('pexpireat', [key, unixMilliseconds], toBoolean);
  }
  /** Seconds to live; -1 without expiry, -2 if the key does not exist. */
  ttl(key: string): DeferredResult<number> {
    return this.enqueue('ttl', [key], toNumber);
  }
  pttl(key: string): DeferredResult<number> {
    return this.enqueue('pttl', [key], toNumber);
  }
  persist(key: string): DeferredResult<boolean> {
    return this.enqueue('persist', [key], toBoolean);
  }
  type(key: string): DeferredResult<KeyType> {
    return this.enqueue('type', [key], (r) => toText(r) as KeyType);
  }
  rename(key: string, newKey: string): DeferredResult<'OK'> {
    return this.enqueue('rename', [key, newKey], toOk);
  }
  renamenx(key: string, newKey: string): DeferredResult<boolean> {
    return this.enqueue('renamenx', [key, newKey], toBoolean);
  }
  touch(...keys: [string, ...string[]]): DeferredResult<number> {
    return this.enqueue('touch', keys, toNumber);
  }
  randomkey(): DeferredResult<string | null> {
    return this.enqueue('randomkey', [], toStringOrNull);
  }
  dbsize(): DeferredResult<number> {
    return this.enqueue('dbsize', [], toNumber);
  }
  keys(pattern: string): DeferredResult<string[]> {
    return this.enqueue('keys', [pattern], toStrings);
  }
  /** One SCAN step; keyspaces' `scan()` iterates whole keyspaces, on every primary of a cluster. */
  scan(cursor: string | number, options: ScanOptions = {}): DeferredResult<readonly [string, string[]]> {
    const args: RedisArg[] = [cursor];
    if (options.match !== undefined) args.push('MATCH', options.match);
    if (options.count !== undefined) args.push('COUNT', options.count);
    if (options.type !== undefined) args.push('TYPE', options.type);
    return this.enqueue('scan', args, toScanPage);
  }
  ping(message?: string): DeferredResult<string> {
    return this.enqueue('ping', message === undefined ? [] : [message], toText);
  }
}
