// What Redis holds for one connection beyond its user, database and protocol: a transaction, watched
// keys, subscriptions, MONITOR, or state for the connection's lifetime (a name, tracking, READONLY,
// CLIENT REPLY, replication). A client whose own link holds any of it must keep using that link.
import { PubsubKind, readPubsubFrame } from '../pubsub.js';

export class RedisSideState {
  inMulti = false;
  watching = false;
  monitoring = false;
  subscriptions = 0;
  shardSubscriptions = 0;
  /** Something that lasts as long as the connection (CLIENT SETNAME, CLIENT TRACKING, READONLY, ...). */
  sticky = false;

  get subscribed(): boolean {
    return this.subscriptions + this.shardSubscriptions > 0;
  }

  /** Anything a fresh connection would lack. */
  get held(): boolean {
    return this.inMulti || this.watching || this.monitoring || this.sticky || this.subscribed;
  }

  /** Follows a command sent on the connection. */
  sent(name: string): void {
    switch (name) {
      case 'multi':
        this.inMulti = true;
        return;
      case 'exec':
      case 'discard':
        this.inMulti = this.watching = false;
        return;
      case 'watch':
        if (!this.inMulti) this.watching = true;
        return;
      case 'unwatch':
        if (!this.inMulti) this.watching = false;
        return;
      case 'monitor':
        this.monitoring = true;
        return;
    }
  }

  /** Follows subscription counts; true if the frame is a pub/sub frame (a message or a confirmation). */
  seen(frame: Buffer): boolean {
    const p = readPubsubFrame(frame);
    if (p.kind === PubsubKind.Confirm) this.subscriptions = p.count;
    else if (p.kind === PubsubKind.ShardConfirm) this.shardSubscriptions = p.count;
    return p.kind !== PubsubKind.None;
  }

  /** RESET succeeded: Redis dropped all of it. */
  reset(): void {
    this.inMulti = this.watching = this.monitoring = this.sticky = false;
    this.subscriptions = this.shardSubscriptions = 0;
  }
}
