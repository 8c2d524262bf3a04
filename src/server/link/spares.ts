// Links to Redis set up ahead of need. A client gets a link of its own only once it needs one (MULTI,
// a blocking command, SUBSCRIBE, ...), so a client that never does costs Redis no connection: with
// 500 clients connecting at once, opening a link for each as it connected cost as much again in
// connections to Redis (callgrind, bench/proxy-instructions.sh 20000 500: 30,952 instructions per
// proxied SET before, 26,794 after, against a bare relay's 26,468 to 27,774). A client that
// needs one takes a spare of its session's setup, already connected and set up, so its first command
// reaches Redis as soon as it is sent, in the order other clients' commands are sent around it
// (Redis' own tests rely on that: a BLPOP sent before another client's LPUSH is blocked first), and
// even while Redis refuses new setups (a busy script answers SELECT with BUSY). Spares are made for
// a setup when a client connects with it or its session takes it.
import type { RedisTarget } from '../redis-url.js';
import { type LinkOwner, RedisLink } from './redis-link.js';
import { type LinkSetup, setupKey } from './setup.js';

/** Spares kept per setup: enough for the clients that need a link of their own in one burst, usually one or two. */
export const SPARE_LINKS = 2;
/** Setups spares are kept for at most (each a user, database and protocol some client had); later ones get none. */
export const MAX_SPARE_SETUPS = 16;

export class SpareLinks {
  private readonly bySetup = new Map<string, RedisLink[]>();
  private closed = false;

  constructor(private readonly target: RedisTarget) {}

  /**
   * A spare of `setup` for `owner`, or null: the oldest, most likely set up already, or with `newest`
   * the one opened last. It is replaced when a client next connects or takes that setup, not now: a
   * setup's commands would show in a MONITOR the taker may be starting. For the same reason a MONITOR
   * takes the newest (`newest`): the one its own client's SELECT or AUTH just had opened, whose setup
   * then runs before the MONITOR on that very link instead of showing in it.
   */
  take(setup: LinkSetup, owner: LinkOwner, newest = false): RedisLink | null {
    const ready = this.bySetup.get(setupKey(setup));
    const next = (): RedisLink | undefined => (newest ? ready?.pop() : ready?.shift());
    let link = next();
    while (link !== undefined && !link.alive) link = next();
    if (link === undefined) return null;
    link.adopt(owner);
    return link;
  }

  /** Opens spares of `setup` up to SPARE_LINKS (replacing dead ones); none past MAX_SPARE_SETUPS setups. */
  fill(setup: LinkSetup): void {
    if (this.closed) return;
    const key = setupKey(setup);
    let ready = this.bySetup.get(key);
    if (ready === undefined) {
      if (this.bySetup.size >= MAX_SPARE_SETUPS) return;
      this.bySetup.set(key, (ready = []));
    }
    for (let i = ready.length - 1; i >= 0; i--) if (!ready[i].alive) ready.splice(i, 1);
    while (ready.length < SPARE_LINKS) ready.push(new RedisLink(this.target, { ...setup }, null));
  }

  /** The spares' addresses as Redis lists them (clients-view.ts leaves them out: they are no client's yet). */
  addresses(): string[] {
    const out: string[] = [];
    for (const ready of this.bySetup.values()) for (const l of ready) if (l.alive) out.push(l.listedAddress);
    return out;
  }

  close(): void {
    this.closed = true;
    for (const ready of this.bySetup.values()) for (const link of ready) link.close();
    this.bySetup.clear();
  }
}
