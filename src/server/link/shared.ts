// Multiplexing: stateless commands of every client with the same setup (user, database, protocol)
// share a few links to Redis, so Redis reads many clients' commands in one read and answers them in
// one write, as twemproxy does. A client always uses the same link of a setup (chosen by its id), so
// its replies come back in order.
import type { RedisTarget } from '../redis-url.js';
import { RedisLink } from './redis-link.js';
import { type LinkSetup, setupKey } from './setup.js';

/** Links per setup: more than one lets Redis read several clients' batches per event-loop turn. */
export const LINKS_PER_SETUP = 2;

export class SharedLinks {
  private readonly links = new Map<string, Array<RedisLink | undefined>>();

  constructor(private readonly target: RedisTarget) {}

  /** The shared link of `setup` that client `id` uses, connected on first use. */
  get(setup: LinkSetup, id: number): RedisLink {
    const key = setupKey(setup);
    let slots = this.links.get(key);
    if (slots === undefined) {
      slots = [];
      this.links.set(key, slots);
    }
    const slot = id % LINKS_PER_SETUP;
    const existing = slots[slot];
    if (existing?.alive) return existing;
    const link = new RedisLink(this.target, { ...setup }, null);
    const own = slots;
    link.onEnd = () => {
      if (own[slot] === link) own[slot] = undefined;
    };
    slots[slot] = link;
    return link;
  }

  /** Closes every shared link (server shutdown). */
  close(): void {
    for (const slots of this.links.values()) for (const link of slots) link?.close();
    this.links.clear();
  }
}
