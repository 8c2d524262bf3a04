// Pipelines over an ioredis client: each queued command becomes an ioredis Command on an ioredis
// pipeline, so ioredis' argument flattening, key prefix and reply transforms apply unchanged.
import { Command, type Redis } from 'ioredis';
import type { QueuedCommand } from '../command.js';
import { abortAll, inChunks, settleAll, type Connection, type RawReply } from './connection.js';

interface CommandSink {
  sendCommand(command: Command): unknown;
  exec(): Promise<[Error | null, unknown][] | null>;
}

/**
 * Sends one batch as an ioredis pipeline (or MULTI/EXEC) and answers the raw replies in order.
 * With `asking`, each command is preceded by ASKING (a cluster slot being migrated).
 */
export async function sendIoredisBatch(
  client: Redis,
  commands: readonly QueuedCommand[],
  transaction: boolean,
  asking = false,
): Promise<RawReply[]> {
  const sink = (transaction ? client.multi() : client.pipeline()) as unknown as CommandSink;
  const options = { replyEncoding: 'utf8' as const, keyPrefix: client.options.keyPrefix };
  for (const command of commands) {
    if (asking) sink.sendCommand(new Command('asking', [], options));
    sink.sendCommand(new Command(command.name, command.args as (string | number | Buffer)[], options));
  }
  let replies: RawReply[] | null;
  try {
    replies = await sink.exec();
  } catch (err) {
    return commands.map(() => [transactionError(err as Error), undefined] as const);
  }
  if (replies === null) throw new Error('the transaction was aborted by a WATCH');
  return asking ? replies.filter((_, i) => i % 2 === 1) : replies;
}

/** EXECABORT says nothing about which command was refused; ioredis keeps those errors aside. */
function transactionError(err: Error & { previousErrors?: Error[] }): Error {
  const causes = err.previousErrors?.map((e) => e.message) ?? [];
  if (causes.length === 0) return err;
  return new Error(`${err.message} (${causes.join('; ')})`, { cause: err });
}

export class IoredisConnection implements Connection {
  constructor(private readonly client: Redis) {}

  async execute(commands: readonly QueuedCommand[], transaction: boolean): Promise<void> {
    const send = async (chunk: readonly QueuedCommand[]): Promise<void> => {
      try {
        settleAll(chunk, await sendIoredisBatch(this.client, chunk, transaction));
      } catch (err) {
        abortAll(chunk, err as Error);
      }
    };
    // A transaction must stay one MULTI/EXEC block, so it is never split.
    if (transaction) return send(commands);
    return inChunks(commands, send);
  }

  async primaries(): Promise<readonly Connection[]> {
    return [this];
  }
}
