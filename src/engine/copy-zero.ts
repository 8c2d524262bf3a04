import { types } from 'node:util';

/** A new object made by `like`'s own constructor, so a copy stays in its source's context (realm). */
function construct<U>(like: object, ...args: unknown[]): U {
  const { constructor } = Object.getPrototypeOf(like) as { constructor: new (...a: unknown[]) => U };
  return Reflect.construct(constructor, args);
}

/**
 * A fresh copy of an aggregate's zero value for each accumulator, as RedisGears copies it
 * (Python's copy.deepcopy): plain data, arrays, Map, Set, Date, typed arrays and class instances
 * (their prototype kept, so methods still work), cycles included. Functions and values that cannot
 * be copied (promises, weak collections) are shared, as deepcopy shares functions.
 */
export function copyZero<T>(value: T, seen = new Map<object, unknown>()): T {
  if (value === null || typeof value !== 'object') return value;
  const hit = seen.get(value);
  if (hit !== undefined) return hit as T;
  const keep = <U>(copy: U): U => (seen.set(value, copy), copy);
  const v: object = value;
  if (types.isPromise(v) || types.isWeakMap(v) || types.isWeakSet(v) || types.isProxy(v)) return value;
  // util.types, not instanceof: a zero value comes from its source's own context (worker/evaluate.ts)
  if (types.isDate(v)) return keep(construct(v, v.getTime())) as T;
  if (types.isRegExp(v)) return keep(construct(v, (v as RegExp).source, (v as RegExp).flags)) as T;
  if (Buffer.isBuffer(v)) return keep(Buffer.from(v)) as T;
  if (types.isArrayBuffer(v)) return keep(v.slice(0)) as T;
  if (types.isTypedArray(v)) return keep(v.slice()) as T;
  if (types.isMap(v)) {
    const out = keep(construct<Map<unknown, unknown>>(v));
    for (const [k, item] of v) out.set(copyZero(k, seen), copyZero(item, seen));
    return out as T;
  }
  if (types.isSet(v)) {
    const out = keep(construct<Set<unknown>>(v));
    for (const item of v) out.add(copyZero(item, seen));
    return out as T;
  }
  const proto = Object.getPrototypeOf(v) as object | null;
  const out = keep(Array.isArray(v) ? Object.setPrototypeOf(new Array(v.length), proto) : Object.create(proto));
  for (const key of Reflect.ownKeys(v)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(v, key)!;
    if ('value' in descriptor) descriptor.value = copyZero(descriptor.value, seen);
    Reflect.defineProperty(out, key, descriptor);
  }
  return out as T;
}
