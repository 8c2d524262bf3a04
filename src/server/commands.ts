// The contract between the gears server and the commands it handles itself (RG.*): everything not in
// the table is proxied to Redis.
import type { Protocol } from './resp/encode.js';
import type { Reply } from './resp/reply.js';

export interface CommandContext {
  /** The client's protocol now (2 until it negotiates 3 with HELLO); replies are encoded in it. */
  readonly protocol: Protocol;
  /** The server's id for the client connection (not Redis' CLIENT ID). */
  readonly clientId: number;
  /** `ip:port` of the client. */
  readonly remoteAddress: string;
  /** Aborted when the client connection closes, so a long or blocking handler can stop. */
  readonly signal: AbortSignal;
}

/**
 * Handles one command; `args` are the arguments after the command name. May be async: replies still
 * go out in request order, and later commands of the same client wait for it, as on Redis. Throwing
 * an ErrorReply sends it; throwing anything else sends `ERR <message>`.
 */
export type CommandHandler = (args: Buffer[], ctx: CommandContext) => Reply | Promise<Reply>;

/** Lower-case command name (e.g. 'rg.jsexecute') → handler. */
export type CommandTable = Map<string, CommandHandler>;

/** Commands the server itself answers before looking at the table. */
export const RESERVED_COMMANDS: ReadonlySet<string> = new Set(['auth', 'hello', 'quit', 'reset']);

/** Checks a table once, so a typo in a name fails at startup rather than proxying the command. */
export function checkCommandTable(table: CommandTable): void {
  for (const name of table.keys()) {
    if (name !== name.toLowerCase()) {
      throw new Error(
        `command table name ${JSON.stringify(name)} must be lower-case: use ${JSON.stringify(name.toLowerCase())}`,
      );
    }
    if (RESERVED_COMMANDS.has(name)) {
      throw new Error(`command table cannot define ${JSON.stringify(name)}: the server handles it itself`);
    }
  }
}
