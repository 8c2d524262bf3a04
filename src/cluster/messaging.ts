// Sending to the other gears servers through this server's mailbox, which exists only while this
// server is one of the cluster's (src/cluster/membership.ts opens and closes it). The parts that talk
// to peers see only Messenger, so none of them holds the mailbox or knows when it changes.
import type { Logger } from '../log/logger.js';
import type { Mailbox } from './mailbox.js';
import type { Message } from './messages.js';
import type { Shard } from './topology.js';

export interface Messenger {
  /** Sends, failing the caller when the message cannot be delivered (or this server has no mailbox). */
  send(to: Shard, message: Message): Promise<void>;
  /** Sends without failing the caller: a shard that cannot be reached is found out by its silence. */
  post(to: Shard, message: Message): Promise<void>;
}

/** What following the membership does with the mailbox. */
export interface Inbox {
  /** Whether a mailbox is open, that is this server reads the messages sent to it. */
  readonly reading: boolean;
  open(mailbox: Mailbox): Promise<void>;
  close(): Promise<void>;
}

export class Messaging implements Messenger, Inbox {
  private mailbox: Mailbox | undefined;

  constructor(private readonly log: Logger) {}

  get reading(): boolean {
    return this.mailbox !== undefined;
  }

  /** Starts reading `mailbox`; one that cannot start is stopped again (tried again at the next look). */
  async open(mailbox: Mailbox): Promise<void> {
    try {
      await mailbox.start();
    } catch (err) {
      await mailbox.stop();
      throw err;
    }
    this.mailbox = mailbox;
  }

  async close(): Promise<void> {
    await this.mailbox?.stop();
    this.mailbox = undefined;
  }

  /** How many messages to `shardId` wait to be sent (RG.INFOCLUSTER's pendingMessages). */
  pendingTo(shardId: string): number {
    return this.mailbox?.pendingTo(shardId) ?? 0;
  }

  send(to: Shard, message: Message): Promise<void> {
    return this.mailbox!.send(to, message);
  }

  async post(to: Shard, message: Message): Promise<void> {
    try {
      await this.mailbox?.send(to, message);
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, `cannot send a ${message.type} message`);
    }
  }
}
