// A keyspace of lists.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import type { ListEnd } from '../commands/index.js';
import { Keyspace } from './keyspace.js';

export class List extends Keyspace {
  lpush(id: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.lpush(this.key(id), ...values));
  }
  rpush(id: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.rpush(this.key(id), ...values));
  }
  lpushx(id: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.lpushx(this.key(id), ...values));
  }
  rpushx(id: string, ...values: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.rpushx(this.key(id), ...values));
  }
  lpop(id: string): DeferredResult<string | null> {
    return this.run((p) => p.lpop(this.key(id)));
  }
  rpop(id: string): DeferredResult<string | null> {
    return this.run((p) => p.rpop(this.key(id)));
  }
  lrange(id: string, start: number, stop: number): DeferredResult<string[]> {
    return this.run((p) => p.lrange(this.key(id), start, stop));
  }
  llen(id: string): DeferredResult<number> {
    return this.run((p) => p.llen(this.key(id)));
  }
  lindex(id: string, index: number): DeferredResult<string | null> {
    return this.run((p) => p.lindex(this.key(id), index));
  }
  lset(id: string, index: number, value: RedisArg): DeferredResult<'OK'> {
    return this.run((p) => p.lset(this.key(id), index, value));
  }
  lrem(id: string, count: number, value: RedisArg): DeferredResult<number> {
    return this.run((p) => p.lrem(this.key(id), count, value));
  }
  ltrim(id: string, start: number, stop: number): DeferredResult<'OK'> {
    return this.run((p) => p.ltrim(this.key(id), start, stop));
  }
  linsert(id: string, where: 'BEFORE' | 'AFTER', pivot: RedisArg, value: RedisArg): DeferredResult<number> {
    return this.run((p) => p.linsert(this.key(id), where, pivot, value));
  }
  lpos(id: string, value: RedisArg): DeferredResult<number | null> {
    return this.run((p) => p.lpos(this.key(id), value));
  }
  /** Moves an element to another record of this keyspace; in a cluster both ids must share a slot. */
  lmove(id: string, toId: string, from: ListEnd, to: ListEnd): DeferredResult<string | null> {
    return this.run((p) => p.lmove(this.key(id), this.key(toId), from, to));
  }
}
