// A keyspace of sets.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { Keyspace } from './keyspace.js';

export class RedisSet extends Keyspace {
  sadd(id: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.sadd(this.key(id), ...members));
  }
  srem(id: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.srem(this.key(id), ...members));
  }
  smembers(id: string): DeferredResult<string[]> {
    return this.run((p) => p.smembers(this.key(id)));
  }
  sismember(id: string, member: RedisArg): DeferredResult<boolean> {
    return this.run((p) => p.sismember(this.key(id), member));
  }
  smismember(id: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<boolean[]> {
    return this.run((p) => p.smismember(this.key(id), ...members));
  }
  scard(id: string): DeferredResult<number> {
    return this.run((p) => p.scard(this.key(id)));
  }
  spop(id: string): DeferredResult<string | null> {
    return this.run((p) => p.spop(this.key(id)));
  }
  srandmember(id: string): DeferredResult<string | null> {
    return this.run((p) => p.srandmember(this.key(id)));
  }
  /** Set operations across ids of this keyspace; in a cluster the ids must share a slot. */
  sinter(...ids: [string, ...string[]]): DeferredResult<string[]> {
    return this.run((p) => p.sinter(...this.keysOf(ids)));
  }
  sunion(...ids: [string, ...string[]]): DeferredResult<string[]> {
    return this.run((p) => p.sunion(...this.keysOf(ids)));
  }
  sdiff(...ids: [string, ...string[]]): DeferredResult<string[]> {
    return this.run((p) => p.sdiff(...this.keysOf(ids)));
  }
  smove(id: string, toId: string, member: RedisArg): DeferredResult<boolean> {
    return this.run((p) => p.smove(this.key(id), this.key(toId), member));
  }

  private keysOf(ids: readonly string[]): [string, ...string[]] {
    return ids.map((id) => this.key(id)) as [string, ...string[]];
  }
}
