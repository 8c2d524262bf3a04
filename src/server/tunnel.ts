// SYNC/PSYNC: Redis answers with an RDB file and then the replication stream, which is not RESP, so
// the client's connection stops reading commands and passes bytes both ways between the client and its
// own link to Redis (replicas, `redis-cli --rdb`, `redis-cli --functions-rdb`).
import type { RedisLink } from './link/redis-link.js';

export class Tunnel {
  /** Client bytes waiting for the link to be idle; null once the tunnel is open. */
  private waiting: Array<Buffer | readonly Buffer[]> | null;

  /**
   * Waits until nothing is pending on `link`, then sends it `sent` (the SYNC/PSYNC and whatever the
   * client sent after it, as received) and relays Redis' bytes to `toClient` unread from then on.
   */
  constructor(
    private readonly link: RedisLink,
    sent: ReadonlyArray<Buffer | readonly Buffer[]>,
    toClient: (bytes: Buffer) => void,
  ) {
    this.waiting = [...sent];
    link.state.sticky = true;
    link.whenIdle(() => {
      const waiting = this.waiting ?? [];
      this.waiting = null;
      link.tunnel(toClient);
      for (const bytes of waiting) link.writeRaw(bytes);
    });
  }

  /** Bytes from the client: to Redis as they are, once the link is idle. */
  fromClient(bytes: Buffer): void {
    if (this.waiting !== null) this.waiting.push(bytes);
    else this.link.writeRaw(bytes);
  }

  /** Is `link` this tunnel's? */
  carries(link: RedisLink): boolean {
    return link === this.link;
  }
}
