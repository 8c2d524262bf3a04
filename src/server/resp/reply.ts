// What a command handler returns. Plain JS values cover the common RESP types (nil, bulk strings,
// integers, arrays); the classes below carry the types plain values cannot express, so the encoder
// can emit exactly what Redis would send in the connection's protocol.

/** A status reply (`+OK`). */
export class SimpleString {
  constructor(readonly value: string) {}
}

/**
 * An error reply. `message` carries Redis' prefix word (`ERR`, `WRONGTYPE`, `NOAUTH`, ...); a message
 * without an upper-case prefix gets `ERR `, as Redis' addReplyError does. Handlers may also throw it.
 */
export class ErrorReply extends Error {
  constructor(message: string) {
    super(/^[A-Z][A-Z0-9_]*( |$)/.test(message) ? message : `ERR ${message}`);
    this.name = 'ErrorReply';
  }
}

/** A map: `%` in RESP3, a flat key/value array in RESP2 (as Redis sends CONFIG GET, HGETALL, ...). */
export class MapReply {
  readonly entries: ReadonlyArray<readonly [Reply, Reply]>;
  constructor(entries: Iterable<readonly [Reply, Reply]> | Record<string, Reply>) {
    this.entries =
      Symbol.iterator in entries ? [...(entries as Iterable<readonly [Reply, Reply]>)] : Object.entries(entries);
  }
}

/** A set: `~` in RESP3, an array in RESP2. */
export class SetReply {
  constructor(readonly items: readonly Reply[]) {}
}

/** A double: `,` in RESP3, a bulk string of its decimal text in RESP2. */
export class DoubleReply {
  constructor(readonly value: number) {}
}

/**
 * null → nil; string/Buffer → bulk string; integer number or bigint → integer (a non-integer number →
 * bulk string of its decimal text); array → array.
 */
export type Reply =
  | null
  | string
  | Buffer
  | number
  | bigint
  | SimpleString
  | ErrorReply
  | MapReply
  | SetReply
  | DoubleReply
  | readonly Reply[];

const OK = new SimpleString('OK');

export function ok(): SimpleString {
  return OK;
}

/** Redis' own wording, so clients that match on it keep working. */
export function wrongArity(commandName: string): ErrorReply {
  return new ErrorReply(`ERR wrong number of arguments for '${commandName.toLowerCase()}' command`);
}
