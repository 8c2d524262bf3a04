// Failed AUTH attempts on one connection: each is logged with the client's address, the next command
// is read only after a growing pause, and after a few the connection is closed, so a client cannot try
// passwords at the speed of a pipeline.
import type { Logger } from '../log/logger.js';

const FIRST_PAUSE_MS = 100;

export class AuthFailures {
  private count = 0;

  constructor(
    private readonly max: number,
    private readonly address: string,
    private readonly log: Logger,
  ) {}

  /** Records a failure; `close` once the connection has had its last try, else how long to pause reading. */
  failed(username: string | undefined): { close: boolean; pauseMs: number } {
    this.count++;
    const close = this.count >= this.max;
    this.log.warn(
      { addr: this.address, user: username ?? 'default', failures: this.count },
      `failed AUTH from ${this.address} (${this.count} of ${this.max})${close ? '; closing the connection' : ''}`,
    );
    return { close, pauseMs: FIRST_PAUSE_MS * 2 ** (this.count - 1) };
  }
}
