import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ErrorReply, wrongArity } from '../resp/reply.js';
import { replying, text, toReply } from './values.js';

/**
 * RG.TRIGGER <trigger> [arg ...] and RG.TRIGGERONKEY <trigger> <key> [arg ...]: the function runs
 * on `[trigger, ...args]`; the reply is its results, or its first error as an error reply, as in
 * RedisGears 1.2 (command_reader.c). One shard holds every key here, so TRIGGERONKEY runs locally.
 */
const triggering =
  (name: string, minArgs: number) =>
  (engine: Engine): CommandHandler =>
  (args) => {
    if (args.length < minArgs) throw wrongArity(name);
    const [trigger, ...rest] = args.map(text);
    return replying(async () => {
      const { results, errors } = await engine.registrations.trigger(trigger, rest);
      if (errors.length > 0) throw new ErrorReply(errors[0]);
      return results.map(toReply);
    });
  };

export const trigger = triggering('rg.trigger', 1);
export const triggeronkey = triggering('rg.triggeronkey', 2);
