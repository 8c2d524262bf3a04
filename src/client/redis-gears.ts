// RedisGears: an ioredis client (every ordinary Redis command) with the gears commands under
// `gears`, as RedGrease's `redgrease.RedisGears` is a redis-py client with `.gears`.
import { Redis, type RedisOptions } from 'ioredis';
import { Gears } from './gears.js';

/** The gears server's default port (`gearbox serve`). */
export const GEARS_PORT = 6390;

/** ioredis' options; replies keep ioredis' default (legacy) mapping, which the reply parsers read. */
export type RedisGearsOptions = Omit<RedisOptions, 'replyMapping'>;

export class RedisGears extends Redis {
  readonly gears: Gears;

  /** `new RedisGears()` connects to 127.0.0.1:6390; a URL or ioredis options say otherwise. */
  constructor(options?: RedisGearsOptions);
  constructor(url: string, options?: RedisGearsOptions);
  constructor(first?: string | RedisGearsOptions, second?: RedisGearsOptions) {
    const options = { port: GEARS_PORT, ...(typeof first === 'object' ? first : second) };
    if (typeof first === 'string') super(first, options);
    else super(options);
    this.gears = new Gears(this);
  }
}
