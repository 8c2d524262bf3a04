export {
  Engine,
  type DistributedRun,
  type EngineOptions,
  type ExecuteOptions,
  type ExecuteOutcome,
  type RunOptions,
  type RunReply,
} from './engine.js';
export { GearsConfig, DEFAULT_CONFIG, ConfigError, type ConfigValue, type BuiltinConfig } from './config.js';
export { ExecutionAbortedError, GearsError } from './errors.js';
export { Execution, type ExecutionStatus, type ExecutionSummary } from './execution.js';
export { STANDALONE_SHARD_ID } from './identity.js';
export { INTERNAL_PREFIX } from './readers/index.js';
export { Requirements, type Requirement } from './requirements.js';
export { ErrorSink, fold, type Batch, type Exchange, type Operator } from './operators/index.js';
export type { JobDistribution } from './worker/protocol.js';
export { isInternalKey } from './readers/index.js';
export { Registration, type RegistrationMode } from './registrations/registration.js';
export { DUPLICATE_TRIGGER, type Session } from './registrations/registry.js';
export { parseSessions, sessionsKey, type StoredSession } from './registrations/store.js';
export { sumStats, type StatsView } from './registrations/stats.js';
export type { EventSource } from './registrations/event-source.js';
export { redactUrl, redisAddress } from './redis-address.js';
export { reconnectDelay } from './reconnect.js';
export { type RedisTls } from './redis-tls.js';
export type { EventDistributor, SpreadEvent, TriggerOutcome } from './registrations/registrations.js';
