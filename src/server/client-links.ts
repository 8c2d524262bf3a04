// Which links to Redis one client's commands go to: the shared link of its session's setup
// (link/shared.ts multiplexes those), or its own link, taken once it needs one (a spare set up
// ahead, link/spares.ts, when one fits) and kept in step with the session. routing.ts says which one
// a command needs; the connection decides when to switch.
import type { LinkOwner } from './link/redis-link.js';
import { RedisLink } from './link/redis-link.js';
import { sameSetup } from './link/setup.js';
import type { SharedLinks } from './link/shared.js';
import type { SpareLinks } from './link/spares.js';
import type { RedisTarget } from './redis-url.js';
import type { Binding } from './routing.js';
import type { Session } from './session.js';
import type { Pausable } from './writer.js';

export interface ClientLinksDeps {
  readonly target: RedisTarget;
  readonly pool: SharedLinks;
  /** Links set up ahead of need, taken for a client's own link when they fit its session. */
  readonly spares: SpareLinks;
  readonly clientId: number;
  readonly session: Session;
  readonly owner: LinkOwner;
  /** Paused while the own link's socket is full. */
  readonly clientSide: Pausable;
  /** An own link was opened: the client's output should pause it when the client does not read. */
  readonly opened: (own: RedisLink) => void;
}

export class ClientLinks {
  /** The client's own link, once it needed one. */
  own: RedisLink | null = null;
  /** The shared link for the session's current setup. */
  private shared: RedisLink | null = null;
  /** The link carrying the client's commands in flight. */
  current: RedisLink | null = null;

  constructor(private readonly deps: ClientLinksDeps) {}

  /**
   * The link for a relayed command; `idle`: nothing of the client's is in flight, so it may move;
   * `monitor`: the command is a MONITOR (see SpareLinks.take).
   */
  forBinding(binding: Binding, idle: boolean, monitor = false): RedisLink {
    const own = this.own;
    return binding === 'any' && (own === null || !own.state.held) && !this.deps.pool.paused
      ? this.sharedLink(idle)
      : this.ownLink(monitor);
  }

  /** The shared link of the session's setup; a client with nothing in flight leaves a stalled one. */
  sharedLink(idle: boolean): RedisLink {
    const shared = this.shared;
    const session = this.deps.session;
    if (shared !== null && shared.alive && sameSetup(shared.setup, session.setup) && !(idle && shared.stalled))
      return shared;
    return (this.shared = this.deps.pool.get(session.setup, this.deps.clientId));
  }

  /**
   * The client's own link. One that holds no state follows the session: it selects the session's
   * database in place, and is replaced when set up for another user or protocol.
   */
  ownLink(monitor = false): RedisLink {
    const own = this.own;
    const session = this.deps.session;
    if (own !== null && own.alive) {
      if (own.state.held || sameSetup(own.setup, session.setup)) return own;
      if (own.setup.credentials === session.credentials && own.setup.protocol === session.protocol) {
        own.select(session.db);
        return own;
      }
    }
    own?.close();
    const link =
      this.deps.spares.take(session.setup, this.deps.owner, monitor) ??
      new RedisLink(this.deps.target, { ...session.setup }, this.deps.owner);
    link.clientSide = this.deps.clientSide;
    this.deps.opened(link);
    return (this.own = link);
  }

  /** Closes the own link (it will be opened again when needed). */
  dropOwn(): void {
    this.own?.close();
    this.own = null;
  }

  /** A link ended: stop using it. */
  forget(link: RedisLink): void {
    if (link === this.own) this.own = null;
    if (link === this.shared) this.shared = null;
    if (link === this.current) this.current = null;
  }
}
