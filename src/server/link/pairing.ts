// The FIFO of a link's pending commands: who sent each one and what it expects back. Redis answers
// in order, so the head is always whose the next reply frame is. Parallel arrays with a moving head
// keep a command's bookkeeping allocation-free.
import type { Expect } from './expect.js';

export class Pending<Owner> {
  private owners: Array<Owner | null> = [];
  private expects: Expect[] = [];
  private head = 0;

  push(owner: Owner | null, expect: Expect): void {
    this.owners.push(owner);
    this.expects.push(expect);
  }

  get size(): number {
    return this.expects.length - this.head;
  }

  /** The oldest pending expectation, or null when nothing is pending. */
  get expect(): Expect | null {
    return this.head < this.expects.length ? this.expects[this.head] : null;
  }

  get owner(): Owner | null {
    return this.owners[this.head] ?? null;
  }

  /** Removes the head once its answer is complete. */
  shift(): void {
    this.head++;
    if (this.head === this.expects.length) {
      this.head = 0;
      this.owners.length = 0;
      this.expects.length = 0;
    } else if (this.head > 1024 && this.head * 2 > this.expects.length) {
      this.owners = this.owners.slice(this.head);
      this.expects = this.expects.slice(this.head);
      this.head = 0;
    }
  }

  /** Empties the FIFO, returning how many commands each owner had pending (the link's own excluded). */
  drain(): Map<Owner, number> {
    const counts = new Map<Owner, number>();
    for (let i = this.head; i < this.expects.length; i++) {
      const owner = this.owners[i];
      const expect = this.expects[i];
      if (owner === null || expect === 'setup' || expect === 'drop') continue;
      counts.set(owner, (counts.get(owner) ?? 0) + 1);
    }
    this.owners = [];
    this.expects = [];
    this.head = 0;
    return counts;
  }
}
