// What a pipeline needs from a Redis client. Adapters for each client implement it, so the
// pipeline itself never depends on which client an application uses.
import type { QueuedCommand } from '../command.js';

export interface Connection {
  /**
   * Sends the commands in order and settles every one of them with its reply or error.
   * Never rejects: a failure that is not one command's (lost connection) fails each command.
   */
  execute(commands: readonly QueuedCommand[], transaction: boolean): Promise<void>;
  /** One connection per primary, for commands that must visit every shard (SCAN); itself for one Redis. */
  primaries(): Promise<readonly Connection[]>;
}

/** A command's raw outcome as a client reports it: `[error, reply]`. */
export type RawReply = readonly [Error | null | undefined, unknown];

/**
 * Big pipelines go out in chunks, at most two in flight: the client's write buffers and reply
 * arrays then stay bounded by the chunk, not by the whole pipeline, while the socket stays busy.
 */
export const CHUNK_SIZE = 5000;

export async function inChunks(
  commands: readonly QueuedCommand[],
  send: (chunk: readonly QueuedCommand[]) => Promise<void>,
  chunkSize = CHUNK_SIZE,
): Promise<void> {
  if (commands.length <= chunkSize) return send(commands);
  let previous: Promise<void> | undefined;
  for (let start = 0; start < commands.length; start += chunkSize) {
    const current = send(commands.slice(start, start + chunkSize));
    if (previous) await previous;
    previous = current;
  }
  await previous;
}

/** Settles commands from raw replies, position by position. */
export function settleAll(commands: readonly QueuedCommand[], replies: readonly RawReply[]): void {
  for (let i = 0; i < commands.length; i++) {
    const reply = replies[i];
    if (reply) commands[i]!.settle(reply[0], reply[1]);
    else commands[i]!.abort(new Error('Redis sent no reply for this command'));
  }
}

export function abortAll(commands: readonly QueuedCommand[], error: Error): void {
  for (const command of commands) command.abort(error);
}
