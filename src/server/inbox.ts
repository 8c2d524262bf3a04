// A client's received commands waiting their turn, oldest first. Slots are reused rather than the
// array truncated each time it empties (setting an array's length is a V8 runtime call, which a
// client sending one command at a time would pay on every command), and a taken slot is cleared so
// a command's bytes (a slice of a whole read) are not kept alive after it ran.
import type { Request } from './resp/request.js';
import { ProtocolError } from './resp/scan.js';

export type Received = Request | ProtocolError;

export class Inbox {
  private items: Array<Received | null> = [];
  private head = 0;
  private tail = 0;

  get empty(): boolean {
    return this.head === this.tail;
  }

  push(r: Received): void {
    this.items[this.tail++] = r;
  }

  /** The oldest waiting command; only while not empty. */
  peek(): Received {
    return this.items[this.head] as Received;
  }

  /** Removes the oldest. */
  take(): void {
    this.items[this.head++] = null;
    if (this.head === this.tail) this.head = this.tail = 0;
  }

  /** Bytes of the waiting commands. */
  bytes(): number {
    let n = 0;
    for (let i = this.head; i < this.tail; i++) {
      const r = this.items[i];
      if (!(r instanceof ProtocolError) && r !== null) n += r.size;
    }
    return n;
  }

  /** Empties the inbox, returning the waiting commands' bytes as they were received. */
  drain(): Array<Buffer | readonly Buffer[]> {
    const out: Array<Buffer | readonly Buffer[]> = [];
    for (let i = this.head; i < this.tail; i++) {
      const r = this.items[i];
      if (!(r instanceof ProtocolError) && r !== null) out.push(r.bytes());
    }
    this.items = [];
    this.head = this.tail = 0;
    return out;
  }
}
