// Multiplexing: stateless commands of every client with the same setup (user, database, protocol)
// share a link to Redis, so Redis reads many clients' commands in one read and answers them in one
// write, as twemproxy does. More open only while that one is stalled; a client switches links only
// with nothing in flight, so its replies come back in order.
// imported, not the global: Node defines globalThis.performance as a getter, called on every use
import { performance } from 'node:perf_hooks';
import type { RedisTarget } from '../redis-url.js';
import { RedisLink } from './redis-link.js';
import { type LinkSetup, setupKey } from './setup.js';

/**
 * Links per setup clients are spread over. One: Redis then reads each turn's commands in one batch;
 * measured against two (redis-benchmark -c 50, 6 runs each), Redis spent about 1 µs less CPU per
 * command, with the gears server's own cost unchanged (BENCHMARKS.md, seventh pass).
 */
export const LINKS_PER_SETUP = 1;
/** At most this many per setup: extra ones open only while the usual ones are stalled (see RedisLink.stalled). */
export const MAX_LINKS_PER_SETUP = 8;

export class SharedLinks {
  private readonly links = new Map<string, Array<RedisLink | undefined>>();
  /**
   * Until when a CLIENT PAUSE sent through this server holds clients' commands on Redis. Meanwhile a
   * paused command would hold up every command behind it on a shared link (even the UNPAUSE), so
   * clients use their own links.
   */
  private pausedUntil = 0;

  get paused(): boolean {
    return this.pausedUntil !== 0 && performance.now() < this.pausedUntil;
  }

  /** Follows CLIENT PAUSE <ms> and CLIENT UNPAUSE as they are sent. */
  pause(ms: number): void {
    this.pausedUntil = ms > 0 ? performance.now() + ms : 0;
  }

  constructor(private readonly target: RedisTarget) {}

  /**
   * A shared link of `setup` for client `id`: its usual one, unless that one is stalled (then any
   * that is not, opening one if needed). Only a client with nothing in flight asks, so switching
   * links never reorders its replies.
   */
  get(setup: LinkSetup, id: number): RedisLink {
    const key = setupKey(setup);
    let slots = this.links.get(key);
    if (slots === undefined) {
      slots = [];
      this.links.set(key, slots);
    }
    const usual = id % LINKS_PER_SETUP;
    const link = slots[usual];
    if (link === undefined || !link.alive) return this.open(slots, usual, setup);
    if (!link.stalled) return link;
    for (const other of slots) if (other !== undefined && other.alive && !other.stalled) return other;
    for (let i = 0; i < MAX_LINKS_PER_SETUP; i++) if (!slots[i]?.alive) return this.open(slots, i, setup);
    return link;
  }

  private open(slots: Array<RedisLink | undefined>, slot: number, setup: LinkSetup): RedisLink {
    const link = new RedisLink(this.target, { ...setup }, null);
    link.onEnd = () => {
      if (slots[slot] === link) slots[slot] = undefined;
    };
    slots[slot] = link;
    return link;
  }

  /** The shared links' addresses as Redis lists them (clients-view.ts leaves them out). */
  addresses(): Set<string> {
    const out = new Set<string>();
    for (const slots of this.links.values())
      for (const link of slots) if (link !== undefined && link.alive) out.add(link.listedAddress);
    return out;
  }

  /** Closes every shared link (server shutdown). */
  close(): void {
    for (const slots of this.links.values()) for (const link of slots) link?.close();
    this.links.clear();
  }
}
