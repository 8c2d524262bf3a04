import type { ReaderName } from '../../model/plan.js';
import type { Reader } from './context.js';
import { keysOnlyReader, keysReader } from './keys.js';
import { commandReader, javaScriptReader, shardsIdReader } from './simple.js';
import { streamReader } from './stream.js';

export { type Reader, type ReaderContext, type Batch, INTERNAL_PREFIX, isInternalKey } from './context.js';
export { installScripts } from './values.js';

export const READERS: Record<ReaderName, Reader> = {
  KeysReader: keysReader,
  KeysOnlyReader: keysOnlyReader,
  StreamReader: streamReader,
  JavaScriptReader: javaScriptReader,
  ShardsIDReader: shardsIdReader,
  CommandReader: commandReader,
};
