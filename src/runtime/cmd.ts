import { flattenArgs } from './redis-link.js';
import type { Execute } from './execute.js';

type Arg = string | number | Buffer;
type Fields = Record<string, Arg> | Map<string, Arg>;

/**
 * Typed Redis commands for gear functions, each one `execute` underneath (so they join atomic()).
 * The common commands are typed here; any other command name still works through the index
 * signature, with its arguments flattened (objects become field/value pairs, as in RedGrease).
 */
export interface Commands {
  get(key: string): Promise<string | null>;
  set(key: string, value: Arg, ...options: Arg[]): Promise<'OK' | string | null>;
  mget(...keys: string[]): Promise<Array<string | null>>;
  mset(values: Fields): Promise<'OK'>;
  incr(key: string): Promise<number>;
  incrby(key: string, by: number): Promise<number>;
  incrbyfloat(key: string, by: number): Promise<string>;
  decr(key: string): Promise<number>;
  decrby(key: string, by: number): Promise<number>;
  append(key: string, value: Arg): Promise<number>;
  del(...keys: string[]): Promise<number>;
  /** RedGrease's name for DEL. */
  delete(...keys: string[]): Promise<number>;
  unlink(...keys: string[]): Promise<number>;
  exists(...keys: string[]): Promise<number>;
  expire(key: string, seconds: number): Promise<number>;
  pexpire(key: string, ms: number): Promise<number>;
  ttl(key: string): Promise<number>;
  type(key: string): Promise<string>;
  rename(key: string, to: string): Promise<'OK'>;
  hget(key: string, field: string): Promise<string | null>;
  hset(key: string, fields: Fields): Promise<number>;
  hset(key: string, field: string, value: Arg, ...more: Arg[]): Promise<number>;
  hmget(key: string, ...fields: string[]): Promise<Array<string | null>>;
  hgetall(key: string): Promise<Record<string, string>>;
  hdel(key: string, ...fields: string[]): Promise<number>;
  hincrby(key: string, field: string, by: number): Promise<number>;
  hincrbyfloat(key: string, field: string, by: number): Promise<string>;
  hkeys(key: string): Promise<string[]>;
  hlen(key: string): Promise<number>;
  lpush(key: string, ...values: Arg[]): Promise<number>;
  rpush(key: string, ...values: Arg[]): Promise<number>;
  lpop(key: string): Promise<string | null>;
  rpop(key: string): Promise<string | null>;
  lrange(key: string, start: number, stop: number): Promise<string[]>;
  llen(key: string): Promise<number>;
  sadd(key: string, ...members: Arg[]): Promise<number>;
  srem(key: string, ...members: Arg[]): Promise<number>;
  smembers(key: string): Promise<string[]>;
  sismember(key: string, member: Arg): Promise<number>;
  scard(key: string): Promise<number>;
  zadd(key: string, ...scoreMembers: Arg[]): Promise<number>;
  zincrby(key: string, by: number, member: Arg): Promise<string>;
  zscore(key: string, member: Arg): Promise<string | null>;
  zrange(key: string, start: number | string, stop: number | string, ...options: Arg[]): Promise<string[]>;
  zcard(key: string): Promise<number>;
  zrem(key: string, ...members: Arg[]): Promise<number>;
  xadd(key: string, id: string, fields: Fields): Promise<string>;
  xadd(key: string, fields: Fields): Promise<string>;
  xlen(key: string): Promise<number>;
  xrange(key: string, start: string, end: string, ...options: Arg[]): Promise<Array<[string, string[]]>>;
  publish(channel: string, message: Arg): Promise<number>;
  pfadd(key: string, ...elements: Arg[]): Promise<number>;
  pfcount(...keys: string[]): Promise<number>;
  [command: string]: (...args: any[]) => Promise<any>;
}

function pairsToObject(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
  return reply && !Array.isArray(reply) ? (reply as Record<string, string>) : out;
}

/** Commands whose RedGrease form differs from the raw one: other names, default ids, replies as objects. */
const SPECIAL: Record<string, (execute: Execute, args: unknown[]) => Promise<unknown>> = {
  delete: (execute, args) => execute('DEL', ...args),
  hgetall: async (execute, args) => pairsToObject(await execute('HGETALL', ...args)),
  xadd: (execute, [key, idOrFields, fields]) =>
    typeof idOrFields === 'string'
      ? execute('XADD', key, idOrFields, ...flattenArgs([fields]))
      : execute('XADD', key, '*', ...flattenArgs([idOrFields])),
};

export function makeCmd(execute: Execute): Commands {
  return new Proxy({} as Commands, {
    get(_target, property) {
      if (typeof property !== 'string') return undefined;
      const name = property.toLowerCase();
      const special = SPECIAL[name];
      return special
        ? (...args: unknown[]) => special(execute, args)
        : (...args: unknown[]) => execute(name.toUpperCase(), ...flattenArgs(args));
    },
  });
}
