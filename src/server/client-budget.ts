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

/** The smallest output size any limit or mark acts on: below it, nothing needs checking (the hot path). */
function quietBelow(limits: ClientLimits): number {
  const marks = [limits.outputPauseMark, limits.unauthenticated.outputLimit];
  for (const klass of Object.values(limits.output)) marks.push(klass.hard, klass.soft);
  return Math.min(...marks.filter((m) => m > 0));
}

export class ClientBudget {
  /** When output first went over the soft limit, while it stays over. */
  private overSoftSince = 0;
  private closing = false;
  private readonly quiet: number;
  private readonly quietInput: number;
  /** Whether the gate holds the client for its output or its input (so resuming costs nothing otherwise). */
  private outputPaused = false;
  private inputPaused = false;

  constructor(
    private readonly limits: ClientLimits,
    private readonly subject: BudgetSubject,
    private readonly log: Logger,
  ) {
    this.quiet = quietBelow(limits);
    this.quietInput = Math.min(
      ...[limits.queryBufferLimit, limits.unauthenticated.queryBufferLimit, limits.inputPauseMark].filter((m) => m > 0),
    );
    subject.socket.on('drain', () => this.output(0));
  }

  /** Bytes received and not yet run: a command still arriving plus commands waiting their turn. */
  input(partial: number, waiting: number): void {
    if (partial + waiting <= this.quietInput) return;
    const s = this.subject;
    const authenticated = s.authenticated();
    const limit = authenticated ? this.limits.queryBufferLimit : this.limits.unauthenticated.queryBufferLimit;
    const held = partial + waiting;
    if (limit > 0 && held > limit)
      return this.exceeded(
        `query buffer ${formatSize(held)} over client-query-buffer-limit ${formatSize(limit)}`,
        authenticated,
      );
    if (waiting > this.limits.inputPauseMark) {
      this.inputPaused = true;
      s.gate.pause('input');
    }
  }

  /** The commands that were waiting have run. */
  inputDrained(): void {
    if (!this.inputPaused) return;
    this.inputPaused = false;
    this.subject.gate.resume('input');
  }

  /** Replies not yet taken by the client: `queued` in the server plus what the socket buffers. */
  output(queued: number): void {
    if (this.closing) return;
    const s = this.subject;
    const size = queued + s.socket.writableLength;
    if (size <= this.quiet) {
      this.overSoftSince = 0;
      if (this.outputPaused) this.pauseForOutput(false);
      return;
    }
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
    const over = size > this.limits.outputPauseMark;
    if (over !== this.outputPaused) this.pauseForOutput(over);
  }

  private pauseForOutput(yes: boolean): void {
    this.outputPaused = yes;
    if (yes) this.subject.gate.pause('output');
    else this.subject.gate.resume('output');
  }

  private exceeded(what: string, authenticated: boolean): void {
    if (this.closing) return;
    this.closing = true;
    const s = this.subject;
    this.log.warn({ client: s.id, addr: s.address, authenticated }, `closing client ${s.address}: ${what}`);
    s.close();
  }
}
