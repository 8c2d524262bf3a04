// gearbox: what an application imports. The client (RedisGears, Gears, command), gear functions
// built as objects (GB, the readers, withParams), the runtime a callback uses, typed records and
// the sugar enums. Subpaths (gearbox/client, /model, /runtime, /pipeline, /engine, /server) hold the rest.
export * from './client/index.js';
export {
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
// the builder, the readers and the runtime a callback uses (runtime/app.ts)
export * from './runtime/app.js';
export { connect, pipeline } from './pipeline/index.js';
