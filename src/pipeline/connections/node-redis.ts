// Pipelines over a node-redis client: commands are added to a node-redis multi as raw arguments and
// the replies parsed by gearbox's own typed parsers (node-redis transforms only its typed methods).
import type { QueuedCommand } from '../command.js';
import { abortAll, inChunks, type Connection } from './connection.js';

type Argument = string | Buffer;

/** The part of a node-redis (v5+) client that pipelines use. */
export interface NodeRedisClient {
  readonly isOpen: boolean;
  multi(): NodeRedisMulti;
  sendCommand(args: Argument[]): Promise<unknown>;
}

interface NodeRedisMulti {
  addCommand(args: Argument[]): NodeRedisMulti;
  exec(): Promise<unknown[]>;
  execAsPipeline(): Promise<unknown[]>;
}

/** node-redis reports failed commands by rejecting the whole batch with the replies attached. */
interface MultiErrorReply extends Error {
  replies: unknown[];
}

function toArguments(command: QueuedCommand): Argument[] {
  const args: Argument[] = [command.name];
  for (const arg of command.args) args.push(typeof arg === 'number' ? String(arg) : arg);
  return args;
}

export class NodeRedisConnection implements Connection {
  constructor(private readonly client: NodeRedisClient) {}

  async execute(commands: readonly QueuedCommand[], transaction: boolean): Promise<void> {
    if (transaction) return this.send(commands, true);
    return inChunks(commands, (chunk) => this.send(chunk, false));
  }

  private async send(commands: readonly QueuedCommand[], transaction: boolean): Promise<void> {
    const multi = this.client.multi();
    for (const command of commands) multi.addCommand(toArguments(command));
    let replies: unknown[];
    try {
      replies = await (transaction ? multi.exec() : multi.execAsPipeline());
    } catch (err) {
      const batch = err as MultiErrorReply;
      if (!Array.isArray(batch.replies)) return abortAll(commands, batch);
      replies = batch.replies;
    }
    for (let i = 0; i < commands.length; i++) {
      const reply = replies[i];
      if (reply instanceof Error) commands[i]!.settle(reply, undefined);
      else commands[i]!.settle(null, reply);
    }
  }

  async primaries(): Promise<readonly Connection[]> {
    return [this];
  }
}
