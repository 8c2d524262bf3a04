// The one primitive every typed command is built on. Command groups (keys, strings, hashes, ...)
// are separate classes over this, so each file changes for one data type only; the pipeline class
// implements `enqueue` and mixes the groups in (see ./index.ts).
import type { DeferredResult } from '../deferred.js';
import type { Parser, RedisArg } from '../command.js';

export abstract class CommandQueue {
  /**
   * Queues `name args...` on this pipe; `parse` turns the reply into the typed value.
   * Public so applications can add their own typed commands (modules, scripts) the same way.
   */
  abstract enqueue<T>(name: string, args: readonly RedisArg[], parse?: Parser<T>): DeferredResult<T>;
}
