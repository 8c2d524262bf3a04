// A command the gears server cannot let Redis queue in a client's transaction is refused as Redis refuses
// one it cannot queue: an error now, and EXEC answers EXECABORT. A command Redis itself refuses at queue
// time (wrong arity), sent on the client's own link, marks the transaction so.
import { encodeCommand } from '../resp/encode.js';
import type { RedisLink } from './redis-link.js';

export const NOT_IN_MULTI = 'ERR Command not allowed inside a transaction';

const SPOIL_TRANSACTION = encodeCommand(['GET']);

/** Makes the transaction open on `own` end with EXECABORT; its error reply is dropped. */
export function spoilTransaction(own: RedisLink): void {
  own.send(null, 'drop', SPOIL_TRANSACTION);
}
