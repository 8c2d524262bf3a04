// Everything a gear function sees: the builder, the readers, and the runtime helpers. The engine
// supplies the connections, the shard and a sink for the functions a source closes with run() or
// register(); this file only assembles them into one scope.
import { createGearsBuilder, createReaders, type Plan } from '../model/index.js';
import { Atomic } from './atomic.js';
import { CommandTable } from './command-info.js';
import { makeCmd } from './cmd.js';
import { makeConfigReaders, type ConfigSnapshot } from './config.js';
import { makeExecute } from './execute.js';
import { makeHashtag } from './hashtag.js';
import { makeLog, type LogSink } from './log.js';
import type { RedisLink, TransactionLink } from './redis-link.js';

export interface RuntimeDeps {
  readonly redis: RedisLink;
  /** A connection of its own for atomic(): WATCH state is per connection. */
  readonly transactions: TransactionLink;
  readonly lowestSlot: () => number;
  readonly config: () => ConfigSnapshot;
  readonly log: LogSink;
  /** Receives each function the source closes; what it returns is what run()/register() return. */
  readonly onClose: (plan: Plan) => unknown;
}

export function createRuntime(deps: RuntimeDeps) {
  const atomicTx = new Atomic(deps.transactions, new CommandTable(deps.redis));
  const execute = makeExecute(deps.redis, atomicTx);
  const { GB, GearsBuilder } = createGearsBuilder(deps.onClose);
  return {
    GB,
    GearsBuilder,
    ...createReaders(deps.onClose),
    execute,
    cmd: makeCmd(execute),
    atomic: <T>(body: () => T | Promise<T>) => atomicTx.run(body),
    ...makeHashtag(deps.lowestSlot),
    log: makeLog(deps.log),
    ...makeConfigReaders(deps.config),
    // esbuild and tsx wrap named functions in __name(fn, "name"); a function built in a TypeScript
    // application carries those calls in its source, so the runtime must define it.
    __name: <F>(fn: F, _name?: string): F => fn,
  };
}

export type Runtime = ReturnType<typeof createRuntime>;
