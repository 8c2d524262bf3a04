export { Engine, type EngineOptions, type ExecuteOptions, type ExecuteOutcome } from './engine.js';
export { GearsConfig, DEFAULT_CONFIG, ConfigError, type ConfigValue, type BuiltinConfig } from './config.js';
export { GearsError } from './errors.js';
export { Execution, type ExecutionStatus } from './execution.js';
export { STANDALONE_SHARD_ID } from './identity.js';
export { INTERNAL_PREFIX } from './readers/index.js';
export { Requirements, type Requirement } from './requirements.js';
