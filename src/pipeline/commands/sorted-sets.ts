// Sorted set commands. Members with scores come back as [member, score] pairs, scores as numbers.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { toNumber, toNumberOrNull, toScanPage, toScoredMembers, toStrings, type ScoredMember } from '../replies.js';
import { CommandQueue } from './queue.js';
import { scanArgs } from './hashes.js';

/** A score bound: a number, an exclusive `(n`, or an infinity. */
export type ScoreBound = number | `(${number}` | '-inf' | '+inf';
/** A lexicographic bound: `[a`, `(a`, `-` or `+`. */
export type LexBound = `[${string}` | `(${string}` | '-' | '+';

export interface ZaddOptions {
  readonly nx?: boolean;
  readonly xx?: boolean;
  readonly gt?: boolean;
  readonly lt?: boolean;
  /** Count changed members, not only added ones. */
  readonly ch?: boolean;
}

export interface Limit {
  readonly offset: number;
  readonly count: number;
}

export abstract class SortedSetCommands extends CommandQueue {
  /** Adds `member` with `score`, or every `member: score` of a record; answers how many were added. */
  zadd(key: string, score: number, member: RedisArg, options?: ZaddOptions): DeferredResult<number>;
  zadd(key: string, members: Readonly<Record<string, number>>, options?: ZaddOptions): DeferredResult<number>;
  zadd(
    key: string,
    scoreOrMembers: number | Readonly<Record<string, number>>,
    memberOrOptions?: RedisArg | ZaddOptions,
    maybeOptions?: ZaddOptions,
  ): DeferredResult<number> {
    const args: RedisArg[] = [key];
    const options = typeof scoreOrMembers === 'number' ? maybeOptions : (memberOrOptions as ZaddOptions | undefined);
    if (options?.nx) args.push('NX');
    if (options?.xx) args.push('XX');
    if (options?.gt) args.push('GT');
    if (options?.lt) args.push('LT');
    if (options?.ch) args.push('CH');
    if (typeof scoreOrMembers === 'number') {
      if (memberOrOptions === undefined || (typeof memberOrOptions === 'object' && !Buffer.isBuffer(memberOrOptions))) {
        throw new TypeError(`zadd(${JSON.stringify(key)}, score, member): the member is missing`);
      }
      args.push(scoreOrMembers, memberOrOptions);
    } else {
      const members = Object.keys(scoreOrMembers);
      if (members.length === 0) throw new TypeError(`zadd(${JSON.stringify(key)}, {}): give at least one member`);
      for (const member of members) args.push(scoreOrMembers[member]!, member);
    }
    return this.enqueue('zadd', args, toNumber);
  }
  zincrby(key: string, increment: number, member: RedisArg): DeferredResult<number> {
    return this.enqueue('zincrby', [key, increment, member], toNumber);
  }
  zrem(key: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<number> {
    return this.enqueue('zrem', [key, ...members], toNumber);
  }
  zscore(key: string, member: RedisArg): DeferredResult<number | null> {
    return this.enqueue('zscore', [key, member], toNumberOrNull);
  }
  zmscore(key: string, ...members: [RedisArg, ...RedisArg[]]): DeferredResult<(number | null)[]> {
    return this.enqueue('zmscore', [key, ...members], (r) => (r as unknown[]).map(toNumberOrNull));
  }
  zcard(key: string): DeferredResult<number> {
    return this.enqueue('zcard', [key], toNumber);
  }
  zcount(key: string, min: ScoreBound, max: ScoreBound): DeferredResult<number> {
    return this.enqueue('zcount', [key, min, max], toNumber);
  }
  zlexcount(key: string, min: LexBound, max: LexBound): DeferredResult<number> {
    return this.enqueue('zlexcount', [key, min, max], toNumber);
  }
  zrank(key: string, member: RedisArg): DeferredResult<number | null> {
    return this.enqueue('zrank', [key, member], toNumberOrNull);
  }
  zrevrank(key: string, member: RedisArg): DeferredResult<number | null> {
    return this.enqueue('zrevrank', [key, member], toNumberOrNull);
  }
  zrange(key: string, start: number, stop: number): DeferredResult<string[]> {
    return this.enqueue('zrange', [key, start, stop], toStrings);
  }
  zrangeWithScores(key: string, start: number, stop: number): DeferredResult<ScoredMember[]> {
    return this.enqueue('zrange', [key, start, stop, 'WITHSCORES'], toScoredMembers);
  }
  zrevrange(key: string, start: number, stop: number): DeferredResult<string[]> {
    return this.enqueue('zrevrange', [key, start, stop], toStrings);
  }
  zrevrangeWithScores(key: string, start: number, stop: number): DeferredResult<ScoredMember[]> {
    return this.enqueue('zrevrange', [key, start, stop, 'WITHSCORES'], toScoredMembers);
  }
  zrangebyscore(key: string, min: ScoreBound, max: ScoreBound, limit?: Limit): DeferredResult<string[]> {
    return this.enqueue('zrangebyscore', withLimit([key, min, max], limit), toStrings);
  }
  zrangebyscoreWithScores(
    key: string,
    min: ScoreBound,
    max: ScoreBound,
    limit?: Limit,
  ): DeferredResult<ScoredMember[]> {
    return this.enqueue('zrangebyscore', withLimit([key, min, max, 'WITHSCORES'], limit), toScoredMembers);
  }
  zrevrangebyscore(key: string, max: ScoreBound, min: ScoreBound, limit?: Limit): DeferredResult<string[]> {
    return this.enqueue('zrevrangebyscore', withLimit([key, max, min], limit), toStrings);
  }
  zrangebylex(key: string, min: LexBound, max: LexBound, limit?: Limit): DeferredResult<string[]> {
    return this.enqueue('zrangebylex', withLimit([key, min, max], limit), toStrings);
  }
  zremrangebyrank(key: string, start: number, stop: number): DeferredResult<number> {
    return this.enqueue('zremrangebyrank', [key, start, stop], toNumber);
  }
  zremrangebyscore(key: string, min: ScoreBound, max: ScoreBound): DeferredResult<number> {
    return this.enqueue('zremrangebyscore', [key, min, max], toNumber);
  }
  zpopmin(key: string, count = 1): DeferredResult<ScoredMember[]> {
    return this.enqueue('zpopmin', [key, count], toScoredMembers);
  }
  zpopmax(key: string, count = 1): DeferredResult<ScoredMember[]> {
    return this.enqueue('zpopmax', [key, count], toScoredMembers);
  }
  zscan(
    key: string,
    cursor: string | number,
    match?: string,
    count?: number,
  ): DeferredResult<readonly [string, string[]]> {
    return this.enqueue('zscan', scanArgs(key, cursor, match, count), toScanPage);
  }
}

function withLimit(args: RedisArg[], limit: Limit | undefined): RedisArg[] {
  if (limit) args.push('LIMIT', limit.offset, limit.count);
  return args;
}
