// A keyspace of strings: one value (or counter) per id.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import type { SetOptions } from '../commands/index.js';
import { Keyspace } from './keyspace.js';

export class RedisString extends Keyspace {
  get(id: string): DeferredResult<string | null> {
    return this.run((p) => p.get(this.key(id)));
  }
  set(id: string, value: RedisArg, options?: SetOptions): DeferredResult<'OK' | null> {
    return this.run((p) => p.set(this.key(id), value, options));
  }
  setnx(id: string, value: RedisArg): DeferredResult<boolean> {
    return this.run((p) => p.setnx(this.key(id), value));
  }
  setex(id: string, seconds: number, value: RedisArg): DeferredResult<'OK'> {
    return this.run((p) => p.setex(this.key(id), seconds, value));
  }
  getset(id: string, value: RedisArg): DeferredResult<string | null> {
    return this.run((p) => p.getset(this.key(id), value));
  }
  getdel(id: string): DeferredResult<string | null> {
    return this.run((p) => p.getdel(this.key(id)));
  }
  incr(id: string): DeferredResult<number> {
    return this.run((p) => p.incr(this.key(id)));
  }
  incrby(id: string, increment: number): DeferredResult<number> {
    return this.run((p) => p.incrby(this.key(id), increment));
  }
  incrbyfloat(id: string, increment: number): DeferredResult<number> {
    return this.run((p) => p.incrbyfloat(this.key(id), increment));
  }
  decr(id: string): DeferredResult<number> {
    return this.run((p) => p.decr(this.key(id)));
  }
  decrby(id: string, decrement: number): DeferredResult<number> {
    return this.run((p) => p.decrby(this.key(id), decrement));
  }
  append(id: string, value: RedisArg): DeferredResult<number> {
    return this.run((p) => p.append(this.key(id), value));
  }
  strlen(id: string): DeferredResult<number> {
    return this.run((p) => p.strlen(this.key(id)));
  }
  getrange(id: string, start: number, end: number): DeferredResult<string> {
    return this.run((p) => p.getrange(this.key(id), start, end));
  }
  setrange(id: string, offset: number, value: RedisArg): DeferredResult<number> {
    return this.run((p) => p.setrange(this.key(id), offset, value));
  }
  getbit(id: string, offset: number): DeferredResult<0 | 1> {
    return this.run((p) => p.getbit(this.key(id), offset));
  }
  setbit(id: string, offset: number, bit: 0 | 1): DeferredResult<0 | 1> {
    return this.run((p) => p.setbit(this.key(id), offset, bit));
  }
  bitcount(id: string): DeferredResult<number> {
    return this.run((p) => p.bitcount(this.key(id)));
  }
}
