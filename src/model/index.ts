// gearbox/model: build gear functions (immutable GearFunction objects or RedisGears' mutable GB),
// get their plans, and turn them into the source the gears server runs.
export * from './plan.js';
export type * from './types.js';
export type {
  ActionArg,
  OnTarget,
  RegisterCallOptions,
  RunCallOptions,
  TypedRunOptions,
  WireRecord,
} from './action.js';
export { ExecutionResult, type OutputOf } from './result.js';
export { isOptionsObject } from './action.js';
export {
  checkRegisterOptions,
  KEYSPACE_EVENTS,
  KEY_TYPES,
  ON_FAILED_POLICIES,
  REGISTER_MODES,
} from './register-options.js';
export {
  ClosedGearFunction,
  OpenGearFunction,
  setSender,
  type Sender,
  type CloseResult,
  type FunctionState,
  type OnClose,
  type ReturnsClosed,
} from './gear-function.js';
export { OPERATION_ALIASES, Operations, type ChainKind, type ChainKinds } from './operations.js';
export { createGearsBuilder, type GearsBuilderFactory } from './builder.js';
export * from './app-builders.js';
export {
  createReaders,
  readerName,
  type KeysOnlyReaderOptions,
  type KeysReaderOptions,
  type ReaderOptions,
  type Readers,
  type StreamReaderOptions,
} from './readers.js';
export { CommandReaderFunction, KeysReaderFunction, StreamReaderFunction, type KeySelection } from './sugar.js';
export { callbackSource, withSource } from './callback-source.js';
export { assertNoCaptures, findCaptures, normalizeRuntimeImports, RUNTIME_GLOBALS } from './captures.js';
export { ParametrizedFunction, withParams, type ParamValue } from './params.js';
export { planSource, toSource } from './source.js';
