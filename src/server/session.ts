// A client's session as Redis would hold it for a connection of its own: the protocol it speaks, its
// database and its credentials. Links are set up from it (link/setup.ts).
import { type Credentials, initialSetup, type LinkSetup } from './link/setup.js';

export class Session {
  private current: LinkSetup;

  constructor(
    private readonly urlDb: number,
    /** Told each new setup (links for it are readied ahead of need: link/spares.ts). */
    private readonly onChange: (setup: LinkSetup) => void = () => undefined,
  ) {
    this.current = initialSetup(urlDb);
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
    this.onChange(this.current);
  }

  /** RESET: protocol 2, the Redis URL's database, no credentials (Redis' default user). */
  reset(): void {
    this.current = initialSetup(this.urlDb);
    this.onChange(this.current);
  }
}
