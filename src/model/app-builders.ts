// The builder and the readers an application builds GearFunction objects with, as one set: gearbox,
// gearbox/model and gearbox/runtime re-export this module, so the list is written once.
import { createReaders } from './readers.js';

export { GB, GearsBuilder } from './builder.js';

export const {
  KeysReader,
  KeysOnlyReader,
  StreamReader,
  JavaScriptReader,
  PythonReader,
  ShardsIDReader,
  CommandReader,
} = createReaders();
