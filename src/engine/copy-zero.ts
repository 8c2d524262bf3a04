import { types } from 'node:util';

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
  if (v instanceof Date) return keep(new Date(v.getTime())) as T;
  if (v instanceof RegExp) return keep(new RegExp(v.source, v.flags)) as T;
  if (Buffer.isBuffer(v)) return keep(Buffer.from(v)) as T;
  if (types.isArrayBuffer(v)) return keep(v.slice(0)) as T;
  if (types.isTypedArray(v)) return keep(v.slice()) as T;
  if (v instanceof Map) {
    const out = keep(new Map());
    for (const [k, item] of v) out.set(copyZero(k, seen), copyZero(item, seen));
    return out as T;
  }
  if (v instanceof Set) {
    const out = keep(new Set());
    for (const item of v) out.add(copyZero(item, seen));
    return out as T;
  }
  const out = keep(Array.isArray(v) ? new Array(v.length) : Object.create(Object.getPrototypeOf(v)));
  for (const key of Reflect.ownKeys(v)) {
    const descriptor = Reflect.getOwnPropertyDescriptor(v, key)!;
    if ('value' in descriptor) descriptor.value = copyZero(descriptor.value, seen);
    Reflect.defineProperty(out, key, descriptor);
  }
  return out as T;
}
