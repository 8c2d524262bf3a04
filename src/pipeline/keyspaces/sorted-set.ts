// A keyspace of sorted sets, e.g. RedPipe's Followers. Members with scores come as [member, score].
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import type { Limit, ScoreBound, ZaddOptions } from '../commands/index.js';
import type { ScoredMember } from '../replies.js';
import { Keyspace } from './keyspace.js';

export class SortedSet extends Keyspace {
  /** Adds `member` with `score` (RedPipe's argument order), or every `member: score` of a record. */
  zadd(id: string, member: RedisArg, score: number, options?: ZaddOptions): DeferredResult<number>;
  zadd(id: string, members: Readonly<Record<string, number>>, options?: ZaddOptions): DeferredResult<number>;
  zadd(
    id: string,
    memberOrMembers: RedisArg | Readonly<Record<string, number>>,
    scoreOrOptions?: number | ZaddOptions,
    options?: ZaddOptions,
  ): DeferredResult<number> {
    if (typeof memberOrMembers === 'object' && !Buffer.isBuffer(memberOrMembers)) {
      return this.run((p) => p.zadd(this.key(id), memberOrMembers, scoreOrOptions as ZaddOptions | undefined));
    }
    if (typeof scoreOrOptions !== 'number') {
      throw new TypeError(`zadd(${JSON.stringify(id)}, member, score): the score must be a number`);
    }
    return this.run((p) => p.zadd(this.key(id), scoreOrOptions, memberOrMembers, options));
  }
  zincrby(id: string, member: RedisArg, increment: number): DeferredResult<number> {
    return this.run((p) => p.zincrby(this.key(id), increment, member));
  }
  zrem(id: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.run((p) => p.zrem(this.key(id), ...members));
  }
  zscore(id: string, member: RedisArg): DeferredResult<number | null> {
    return this.run((p) => p.zscore(this.key(id), member));
  }
  zcard(id: string): DeferredResult<number> {
    return this.run((p) => p.zcard(this.key(id)));
  }
  zcount(id: string, min: ScoreBound, max: ScoreBound): DeferredResult<number> {
    return this.run((p) => p.zcount(this.key(id), min, max));
  }
  zrank(id: string, member: RedisArg): DeferredResult<number | null> {
    return this.run((p) => p.zrank(this.key(id), member));
  }
  zrevrank(id: string, member: RedisArg): DeferredResult<number | null> {
    return this.run((p) => p.zrevrank(this.key(id), member));
  }
  zrange(id: string, start: number, stop: number): DeferredResult<string[]> {
    return this.run((p) => p.zrange(this.key(id), start, stop));
  }
  zrangeWithScores(id: string, start: number, stop: number): DeferredResult<ScoredMember[]> {
    return this.run((p) => p.zrangeWithScores(this.key(id), start, stop));
  }
  zrevrange(id: string, start: number, stop: number): DeferredResult<string[]> {
    return this.run((p) => p.zrevrange(this.key(id), start, stop));
  }
  zrevrangeWithScores(id: string, start: number, stop: number): DeferredResult<ScoredMember[]> {
    return this.run((p) => p.zrevrangeWithScores(this.key(id), start, stop));
  }
  zrangebyscore(id: string, min: ScoreBound, max: ScoreBound, limit?: Limit): DeferredResult<string[]> {
    return this.run((p) => p.zrangebyscore(this.key(id), min, max, limit));
  }
  zrangebyscoreWithScores(id: string, min: ScoreBound, max: ScoreBound, limit?: Limit): DeferredResult<ScoredMember[]> {
    return this.run((p) => p.zrangebyscoreWithScores(this.key(id), min, max, limit));
  }
  zremrangebyrank(id: string, start: number, stop: number): DeferredResult<number> {
    return this.run((p) => p.zremrangebyrank(this.key(id), start, stop));
  }
  zremrangebyscore(id: string, min: ScoreBound, max: ScoreBound): DeferredResult<number> {
    return this.run((p) => p.zremrangebyscore(this.key(id), min, max));
  }
  zpopmin(id: string, count?: number): DeferredResult<ScoredMember[]> {
    return this.run((p) => p.zpopmin(this.key(id), count));
  }
  zpopmax(id: string, count?: number): DeferredResult<ScoredMember[]> {
    return this.run((p) => p.zpopmax(this.key(id), count));
  }
}
