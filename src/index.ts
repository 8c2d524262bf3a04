// gearbox: what an application imports. The client (RedisGears, Gears, command), gear functions
// built as objects (GB, the readers, withParams), the runtime a callback uses, typed records and
// the sugar enums. Subpaths (gearbox/client, /model, /runtime, /pipeline, /engine, /server) hold the rest.
export * from './client/index.js';
export {
  GB,
  GearsBuilder,
  KeysReader,
  KeysOnlyReader,
  StreamReader,
  JavaScriptReader,
  PythonReader,
  ShardsIDReader,
  CommandReader,
  ClosedGearFunction,
  OpenGearFunction,
  ParametrizedFunction,
  withParams,
  toSource,
  type ParamValue,
  type OutputOf,
  type Plan,
  type RunOptions,
  type RegisterOptions,
  type KeysRecord,
  type KeysRecord as Record,
  type StreamRecord,
  type GroupRecord,
} from './model/index.js';
export { execute, cmd, atomic, hashtag, hashtag3, log, configGet, gearsConfigGet } from './runtime/index.js';
export { connect, pipeline } from './pipeline/index.js';
