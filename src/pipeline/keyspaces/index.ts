export { Keyspace, type KeyspaceScanOptions } from './keyspace.js';
export { RedisString } from './string.js';
export { Hash, type TypedHashClass } from './hash.js';
export { List } from './list.js';
export { RedisSet } from './set.js';
export { SortedSet } from './sorted-set.js';
export { HyperLogLog } from './hyperloglog.js';
