// gearbox/client: for applications. RedisGears (a Redis client with `gears`), Gears over a client
// the application already holds, typed replies, errors, and the sugar enums.
import './on.js';

export { RedisGears, GEARS_PORT, type RedisGearsOptions } from './redis-gears.js';
export {
  Gears,
  type DumpExecutionsFilter,
  type DumpRegistrationsFilter,
  type IdLike,
  type JsexecuteOptions,
  type JsexecuteReply,
} from './gears.js';
export { GearsConfig, type ConfigUpdate, type ConfigValue, type GearsConfigOptions } from './config.js';
export type { GearFunctionInput } from './functions.js';
export type { CommandArg, GearsClientLike, IoredisLike, NodeRedisLike, Send } from './link.js';
export { command, type CommandDefinition, type CommandFunction, type CommandOptions } from './command.js';
export { gearsOf, type GearsTarget } from './target.js';
export { bundleScript, type BundledScript } from './script.js';
export type * from './replies/types.js';
export { parseExecID } from './replies/parse.js';
export {
  DuplicateTriggerError,
  ExecutionNotFoundError,
  GearsAuthError,
  GearsConnectionError,
  GearsError,
  GearsExecutionError,
  GearsNotAvailableError,
  GearsRedisUnavailableError,
  GearsRequirementsError,
  GearsScriptError,
  gearsError,
} from './errors.js';
export { FailurePolicy, KeyType, LogLevel, ReaderType, TriggerMode } from './sugar.js';
export { ExecutionResult } from '../model/index.js';
