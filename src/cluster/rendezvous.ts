// A value one side gives and the other takes, in either order: the ids a registering source's
// functions get arrive from the originator before or after this shard has evaluated the source.
const UNCLAIMED_MS = 60_000;

interface Slot<T> {
  value?: T;
  failure?: string;
  take?: { resolve(value: T): void; reject(err: Error): void };
  timer: NodeJS.Timeout;
}

export class Rendezvous<T> {
  private readonly slots = new Map<string, Slot<T>>();

  /** Resolves with what is given for `key`; rejects when it fails or nothing comes within `timeoutMs`. */
  take(key: string, timeoutMs: number, missing: string): Promise<T> {
    const slot = this.slot(key);
    if (slot.value !== undefined || slot.failure !== undefined) {
      this.drop(key);
      return slot.failure !== undefined ? Promise.reject(new Error(slot.failure)) : Promise.resolve(slot.value!);
    }
    clearTimeout(slot.timer);
    return new Promise((resolve, reject) => {
      slot.take = { resolve, reject };
      slot.timer = setTimeout(() => this.fail(key, missing), timeoutMs);
      slot.timer.unref();
    });
  }

  give(key: string, value: T): void {
    const slot = this.slot(key);
    if (slot.take) {
      this.drop(key);
      slot.take.resolve(value);
    } else slot.value = value;
  }

  fail(key: string, reason: string): void {
    const slot = this.slot(key);
    if (slot.take) {
      this.drop(key);
      slot.take.reject(new Error(reason));
    } else slot.failure = reason;
  }

  private slot(key: string): Slot<T> {
    let slot = this.slots.get(key);
    if (!slot) {
      // a value nobody takes (its execution ended before asking) is forgotten after a while
      const timer = setTimeout(() => this.drop(key), UNCLAIMED_MS);
      timer.unref();
      slot = { timer };
      this.slots.set(key, slot);
    }
    return slot;
  }

  private drop(key: string): void {
    const slot = this.slots.get(key);
    if (slot) clearTimeout(slot.timer);
    this.slots.delete(key);
  }
}
