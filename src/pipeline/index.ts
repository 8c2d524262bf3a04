// gearbox/pipeline: pipelines whose commands return DeferredResults, nesting across reusable
// functions, named connections, Redis Cluster, keyspaces and models.
export { DeferredResult, NotExecutedError, isDeferred, type Unwrapped } from './deferred.js';
export { CommandError, type FailedCommand, type Parser, type RedisArg } from './command.js';
export { Pipeline } from './pipeline.js';
export { pipeline, type PipelineOptions, type PipelineBody } from './context.js';
export {
  connect,
  disconnect,
  connectionNames,
  getConnection,
  DEFAULT_CONNECTION,
  type ConnectOptions,
  type RedisClient,
} from './connections/registry.js';
export type { Connection } from './connections/connection.js';
export type { ScoredMember } from './replies.js';
export type * from './commands/index.js';
export * from './keyspaces/index.js';
export { RedisString as String, RedisSet as Set } from './keyspaces/index.js';
export * from './models/index.js';
