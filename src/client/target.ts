// Where `on: client` sends a function: a RedisGears client, a Gears, or any ioredis/node-redis client.
import { Gears } from './gears.js';
import type { GearsClientLike } from './link.js';

export type GearsTarget = Gears | { readonly gears: Gears } | GearsClientLike;

const wrapped = new WeakMap<object, Gears>();

export function gearsOf(target: GearsTarget): Gears {
  if (target instanceof Gears) return target;
  if ('gears' in target && target.gears instanceof Gears) return target.gears;
  let gears = wrapped.get(target);
  if (!gears) wrapped.set(target, (gears = new Gears(target as GearsClientLike)));
  return gears;
}
