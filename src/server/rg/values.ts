import { ErrorReply, type Reply } from '../resp/reply.js';

/**
 * A result as a reply when convertToStr is off (README.md, "Gear functions"): integers as integers, other numbers as
 * decimal bulk strings, arrays as arrays, objects as flat field/value arrays, null as nil,
 * booleans as 1 or 0.
 */
export function toReply(value: unknown): Reply {
  if (value === null || value === undefined) return null;
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
      return Number.isInteger(value) ? value : String(value);
    case 'bigint':
      return value;
    case 'boolean':
      return value ? 1 : 0;
    case 'object':
      if (Buffer.isBuffer(value)) return value;
      if (Array.isArray(value)) return value.map(toReply);
      if (value instanceof Set) return [...value].map(toReply);
      if (value instanceof Map) return [...value].flatMap(([k, v]) => [toReply(k), toReply(v)]);
      return Object.entries(value).flatMap(([k, v]) => [k, toReply(v)]);
    default:
      return String(value);
  }
}

/** RedisGears' `[[results...], [errors...]]`, errors as bulk strings. */
export function resultsAndErrors(results: readonly unknown[], errors: readonly string[]): Reply {
  return [results.map(toReply), [...errors]];
}

export function text(arg: Buffer | undefined): string {
  return arg === undefined ? '' : arg.toString('utf8');
}

/** Runs `fn`, turning engine errors into error replies that carry their message. */
export async function replying(fn: () => Reply | Promise<Reply>): Promise<Reply> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof ErrorReply) throw err;
    throw new ErrorReply((err as Error).message);
  }
}
