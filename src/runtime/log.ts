import { types } from 'node:util';

// log(message, level) for gear functions, with RedisGears' level names. The message is stringified
// here so that any value can be logged; where it ends up (the server's logger) is the engine's choice.
export type GearsLogLevel = 'debug' | 'verbose' | 'notice' | 'warning' | 'info' | 'warn' | 'error';
export type LogSink = (level: 'debug' | 'info' | 'warn' | 'error', message: string) => void;

const LEVELS: Record<string, 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug',
  verbose: 'debug',
  notice: 'info',
  info: 'info',
  warning: 'warn',
  warn: 'warn',
  error: 'error',
};

export function stringify(value: unknown): string {
  if (typeof value === 'string') return value;
  if (types.isNativeError(value)) return value.stack ?? value.message;
  try {
    return typeof value === 'object' && value !== null ? JSON.stringify(value) : String(value);
  } catch {
    return String(value);
  }
}

export function makeLog(sink: LogSink): (message: unknown, level?: GearsLogLevel) => void {
  return (message, level = 'notice') => {
    const mapped = LEVELS[String(level).toLowerCase()];
    if (!mapped) throw new Error(`log level '${level}' is unknown: use debug, verbose, notice or warning`);
    sink(mapped, stringify(message));
  };
}
