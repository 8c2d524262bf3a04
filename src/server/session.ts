// A client's session as Redis would hold it for a connection of its own: the protocol it speaks, its
// database and its credentials. Links are set up from it (link/setup.ts).
import type { Credentials, LinkSetup } from './link/setup.js';

export class Session {
  private current: LinkSetup;
  /** Told each new setup (links for it are readied ahead of need: link/spares.ts). */
  onChange: ((setup: LinkSetup) => void) | null = null;

  constructor(private readonly urlDb: number) {
    this.current = { credentials: null, db: urlDb, protocol: 2 };
  }

  /** What a link for this session is set up with; a new object whenever the session changes. */
  get setup(): LinkSetup {
    return this.current;
  }

  get protocol(): 2 | 3 {
    return this.current.protocol;
  }

  get db(): number {
    return this.current.db;
  }

  get credentials(): Credentials | null {
    return this.current.credentials;
  }

  change(to: Partial<LinkSetup>): void {
    this.current = { ...this.current, ...to };
    this.onChange?.(this.current);
  }

  /** RESET: protocol 2, the Redis URL's database, no credentials (Redis' default user). */
  reset(): void {
    this.current = { credentials: null, db: this.urlDb, protocol: 2 };
    this.onChange?.(this.current);
  }
}
