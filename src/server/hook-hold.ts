// The write-hook hold: a proxied write that a sync registration wants (write-hooks.ts) has its reply
// held back until the hook ran, so the client sees the write's reply only once the registration saw
// the write. The connection sends nothing after such a write until the hold is released, so the held
// reply is the only one.
import { Buffer } from 'node:buffer';
import type { Logger } from '../log/logger.js';
import type { Request } from './resp/request.js';
import type { WriteHooks } from './write-hooks.js';
import type { BatchWriter } from './writer.js';

interface Held {
  readonly req: Request;
  readonly bytes: Array<Buffer | readonly Buffer[]>;
}

export class HookHold {
  private held: Held | null = null;

  constructor(
    private readonly hooks: WriteHooks | undefined,
    /** Where released reply bytes go (the client's writer). */
    private readonly out: Pick<BatchWriter, 'write' | 'slice'>,
    private readonly log: Logger,
    private readonly clientId: number,
  ) {}

  /** Must this proxied command's reply wait for the hooks? (Cheap: asked of every proxied command.) */
  wants(req: Request): boolean {
    return this.hooks !== undefined && this.hooks.wants(req);
  }

  /** `req` is about to be sent: hold its reply. */
  start(req: Request): void {
    this.held = { req, bytes: [] };
  }

  get active(): boolean {
    return this.held !== null;
  }

  /** Reply bytes for the client: kept while a write is held, else written at once. */
  relay(bytes: Buffer | readonly Buffer[]): void {
    if (this.held !== null) this.held.bytes.push(bytes);
    else this.out.write(bytes);
  }

  /** A reply frame at [start, end) of a chunk read from Redis: as relay(). */
  relaySlice(chunk: Buffer, start: number, end: number): void {
    // the chunk is read into again once this returns (reads.ts): a held reply is a copy
    if (this.held !== null) this.held.bytes.push(Buffer.from(chunk.subarray(start, end)));
    else this.out.slice(chunk, start, end);
  }

  /**
   * Redis answered the held write (or, silenced by CLIENT REPLY, will not): runs the hooks, then
   * releases the reply and calls `done`. A failed hook is logged and the reply released anyway.
   */
  answered(done: () => void): void {
    const held = this.held;
    if (held === null) return;
    const release = (): void => {
      if (this.held !== held) return; // released meanwhile (the link was lost)
      this.release();
      done();
    };
    (this.hooks as WriteHooks).afterWrite(held.req).then(release, (err: unknown) => {
      this.log.warn({ err, client: this.clientId }, 'a write hook failed; replying anyway');
      release();
    });
  }

  /** Writes whatever is held, now (also when the link carrying the write is lost). */
  release(): void {
    const held = this.held;
    if (held === null) return;
    this.held = null;
    for (const bytes of held.bytes) this.out.write(bytes);
  }
}
