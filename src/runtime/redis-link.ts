import { types } from 'node:util';

// The one thing the runtime needs from a Redis connection: send a command, get its reply.
// The engine passes ioredis clients; anything with this shape works (tests, other clients).
export interface RedisLink {
  call(command: string, ...args: unknown[]): Promise<unknown>;
}

/** A connection that can run an optimistic transaction: WATCH/UNWATCH plus MULTI ... EXEC in one go. */
export interface TransactionLink extends RedisLink {
  /** Sends MULTI, the commands and EXEC; resolves null when a watched key changed (EXEC answered nil). */
  execTransaction(commands: ReadonlyArray<readonly [string, ...unknown[]]>): Promise<unknown[] | null>;
}

/** Flattens arguments the way RedGrease does: objects become field/value pairs, arrays spread, the rest stringified by the client. */
export function flattenArgs(args: readonly unknown[]): unknown[] {
  const out: unknown[] = [];
  for (const arg of args) {
    if (Array.isArray(arg)) out.push(...flattenArgs(arg));
    else if (types.isMap(arg)) for (const [k, v] of arg as Map<unknown, unknown>) out.push(k, v);
    else if (arg !== null && typeof arg === 'object' && !Buffer.isBuffer(arg) && !ArrayBuffer.isView(arg))
      for (const [k, v] of Object.entries(arg)) out.push(k, v);
    else out.push(arg);
  }
  return out;
}
