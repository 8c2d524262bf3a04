// The FIFO of a link's pending commands: who sent each one and what it expects back. Redis answers
// in order, so the head is always whose the next reply frame is. Parallel arrays with a moving head
// and tail keep a command's bookkeeping allocation-free: an emptied FIFO rewinds its indices and
// reuses its slots rather than truncating the arrays (setting an array's length is a runtime call
// in V8, measured at about 300 instructions, paid on every reply when each one empties the FIFO).
import type { Expect } from './expect.js';

export class Pending<Owner> {
  private owners: Array<Owner | null> = [];
  private expects: Array<Expect | null> = [];
  private head = 0;
  private tail = 0;

  push(owner: Owner | null, expect: Expect): void {
    const at = this.tail++;
    this.owners[at] = owner;
    this.expects[at] = expect;
  }

  get size(): number {
    return this.tail - this.head;
  }

  /** The oldest pending expectation, or null when nothing is pending. */
  get expect(): Expect | null {
    return this.head < this.tail ? this.expects[this.head] : null;
  }

  get owner(): Owner | null {
    return this.head < this.tail ? this.owners[this.head] : null;
  }

  /** Removes the head once its answer is complete. */
  shift(): void {
    // a closed client must not stay reachable from a slot until it is reused
    this.owners[this.head++] = null;
    if (this.head === this.tail) {
      this.head = this.tail = 0;
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      this.owners = this.owners.slice(this.head, this.tail);
      this.expects = this.expects.slice(this.head, this.tail);
      this.tail -= this.head;
      this.head = 0;
    }
  }

  /** Empties the FIFO, returning how many commands each owner had pending (the link's own excluded). */
  drain(): Map<Owner, number> {
    const counts = new Map<Owner, number>();
    for (let i = this.head; i < this.tail; i++) {
      const owner = this.owners[i];
      const expect = this.expects[i];
      if (owner === null || expect === 'setup' || expect === 'drop') continue;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    this.owners = [];
    this.expects = [];
    this.head = this.tail = 0;
    return counts;
  }
}
