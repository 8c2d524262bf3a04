export { createRuntime, type Runtime, type RuntimeDeps } from './globals.js';
export type { RedisLink, TransactionLink } from './redis-link.js';
export { flattenArgs } from './redis-link.js';
export type { Commands } from './cmd.js';
export type { Execute } from './execute.js';
export type { ConfigSnapshot } from './config.js';
export type { LogSink, GearsLogLevel } from './log.js';
export { tagForSlot } from './hashtag.js';
export * from './app.js';
