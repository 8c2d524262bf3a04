// What one client may make the server hold, enforced as Redis does: input beyond the query buffer
// limit or output beyond the output buffer limits closes the connection (logged with its address);
// below those, back-pressure: its socket is not read while its unsent replies or its waiting commands
// are above a mark, so a client that sends without reading slows itself down instead of growing the
// server's memory.
import type { Socket } from 'node:net';
import type { Logger } from '../log/logger.js';
import { type ClientLimits, formatSize, type OutputClass } from './limits.js';

/** Why a client's socket is not being read; it is read again once no reason is left. */
export class ReadGate {
  private readonly reasons = new Set<string>();

  constructor(private readonly socket: Socket) {}

  /** True while the socket is not read (back-pressure, an AUTH pause, Redis' side full). */
  get paused(): boolean {
    return this.reasons.size > 0;
  }

  pause(reason: string): void {
    if (this.reasons.size === 0) this.socket.pause();
    this.reasons.add(reason);
  }

  resume(reason: string): void {
    if (!this.reasons.delete(reason) || this.reasons.size > 0 || this.socket.destroyed) return;
    this.socket.resume();
  }

  /** A pause()/resume() pair under one reason, for code that pauses a peer without knowing of others. */
  as(reason: string): { pause(): void; resume(): void } {
    return { pause: () => this.pause(reason), resume: () => this.resume(reason) };
  }
}

export interface BudgetSubject {
  readonly socket: Socket;
  readonly gate: ReadGate;
  readonly address: string;
  readonly id: number;
  readonly authenticated: () => boolean;
  readonly outputClass: () => OutputClass;
  /** Closes the connection at once: the limit is exceeded. */
  readonly close: () => void;
}

export class ClientBudget {
  /** When output first went over the soft limit, while it stays over. */
  private overSoftSince = 0;
  private closing = false;

  constructor(
    private readonly limits: ClientLimits,
    private readonly subject: BudgetSubject,
    private readonly log: Logger,
  ) {
    subject.socket.on('drain', () => this.output(0));
  }

  /** Bytes received and not yet run: a command still arriving plus commands waiting their turn. */
  input(partial: number, waiting: number): void {
    const s = this.subject;
    const authenticated = s.authenticated();
    const limit = authenticated ? this.limits.queryBufferLimit : this.limits.unauthenticated.queryBufferLimit;
    const held = partial + waiting;
    if (limit > 0 && held > limit)
      return this.exceeded(
        `query buffer ${formatSize(held)} over client-query-buffer-limit ${formatSize(limit)}`,
        authenticated,
      );
    if (waiting > this.limits.inputPauseMark) s.gate.pause('input');
  }

  /** The commands that were waiting have run. */
  inputDrained(): void {
    this.subject.gate.resume('input');
  }

  /** Replies not yet taken by the client: `queued` in the server plus what the socket buffers. */
  output(queued: number): void {
    if (this.closing) return;
    const s = this.subject;
    const size = queued + s.socket.writableLength;
    if (!s.authenticated()) {
      const limit = this.limits.unauthenticated.outputLimit;
      if (size > limit)
        return this.exceeded(`output ${formatSize(size)} before AUTH, over ${formatSize(limit)}`, false);
    } else {
      const klass = s.outputClass();
      const { hard, soft, softSeconds } = this.limits.output[klass];
      if (hard > 0 && size > hard)
        return this.exceeded(
          `output ${formatSize(size)} over client-output-buffer-limit ${klass} hard ${formatSize(hard)}`,
          true,
        );
      if (soft > 0 && size > soft) {
        const now = Date.now();
        this.overSoftSince ||= now;
        if (now - this.overSoftSince > softSeconds * 1000)
          return this.exceeded(
            `output over client-output-buffer-limit ${klass} soft ${formatSize(soft)} for ${softSeconds} s`,
            true,
          );
      } else this.overSoftSince = 0;
    }
    if (size > this.limits.outputPauseMark) s.gate.pause('output');
    else s.gate.resume('output');
  }

  private exceeded(what: string, authenticated: boolean): void {
    if (this.closing) return;
    this.closing = true;
    const s = this.subject;
    this.log.warn({ client: s.id, addr: s.address, authenticated }, `closing client ${s.address}: ${what}`);
    s.close();
  }
}
