import type { GearsCluster } from '../../cluster/index.js';
import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ErrorReply, wrongArity } from '../resp/reply.js';
import { replying, text, toReply } from './values.js';

/**
 * RG.TRIGGER <trigger> [arg ...] and RG.TRIGGERONKEY <trigger> <key> [arg ...]: the function runs
 * on `[trigger, ...args]`; the reply is its results, or its first error as an error reply, as in
 * RedisGears 1.2 (command_reader.c). RG.TRIGGER runs where it is sent; in a cluster RG.TRIGGERONKEY
 * runs on the shard that owns the key, whichever gears server it was sent to.
 */
const triggering =
  (name: string, onKey: boolean) =>
  (engine: Engine, cluster?: GearsCluster): CommandHandler =>
  (args) => {
    if (args.length < (onKey ? 2 : 1)) throw wrongArity(name);
    const [trigger, ...rest] = args.map(text);
    return replying(async () => {
      const { results, errors } =
        onKey && cluster?.enabled
          ? await cluster.triggerOnKey(trigger, rest)
          : await engine.registrations.trigger(trigger, rest);
      if (errors.length > 0) throw new ErrorReply(errors[0]);
      return results.map(toReply);
    });
  };

export const trigger = triggering('rg.trigger', false);
export const triggeronkey = triggering('rg.triggeronkey', true);
