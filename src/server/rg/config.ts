import { ConfigError, GearsConfig, type Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ErrorReply, SimpleString, ok, wrongArity, type Reply } from '../resp/reply.js';
import { text } from './values.js';

/** RG.CONFIGGET <key> ...: numbers and booleans as integers, other values as bulk strings, unknown keys as errors in their slot. */
export const configget =
  (engine: Engine): CommandHandler =>
  (args) =>
    args.map((arg): Reply => {
      const name = text(arg);
      const value = engine.config.lookup(name);
      if (value === undefined) return new ErrorReply(`ERR Unsupported config parameter: ${name}`);
      if (typeof value === 'boolean') return value ? 1 : 0;
      return typeof value === 'number' && Number.isInteger(value) ? value : String(value);
    });

const SAVED_EXTRA = new SimpleString('OK - value was saved in extra config dictionary');

/** RG.CONFIGSET <key> <value> ...: one reply per pair; read-only options and bad values answer an error in their slot. */
export const configset =
  (engine: Engine): CommandHandler =>
  (args) => {
    if (args.length === 0 || args.length % 2 !== 0) throw wrongArity('rg.configset');
    const replies: Reply[] = [];
    for (let i = 0; i < args.length; i += 2) {
      const name = text(args[i]);
      try {
        engine.config.set(name, text(args[i + 1]));
        replies.push(GearsConfig.isBuiltin(name) ? ok() : SAVED_EXTRA);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        replies.push(new ErrorReply(`ERR ${err.message}`));
      }
    }
    return replies;
  };
