// Questions one gears server asks another through their inboxes, and the answers: each request
// carries a number the answer repeats. A shard that does not answer within ExecutionMaxIdleTime
// counts as having no answer, so a dead peer slows a question down but never hangs it.
import type { Message, Query } from './messages.js';
import type { Shard } from './topology.js';

type Answer = Extract<Message, { type: 'answer' }>;

export class PeerRequests {
  private sequence = 0;
  private readonly waiting = new Map<string, (answer: unknown) => void>();

  constructor(
    private readonly self: () => string,
    private readonly post: (to: Shard, message: Message) => Promise<void>,
    private readonly timeoutMs: () => number,
  ) {}

  /** The peer's answer, or null when it gave none in time (ExecutionMaxIdleTime unless `timeoutMs`). */
  ask<T>(peer: Shard, query: Query, timeoutMs = this.timeoutMs()): Promise<T | null> {
    const request = `${this.self()}-${this.sequence++}`;
    return new Promise((resolve) => {
      const timer = setTimeout(() => done(null), Math.max(timeoutMs, 100));
      const done = (answer: unknown) => {
        clearTimeout(timer);
        this.waiting.delete(request);
        resolve(answer as T | null);
      };
      this.waiting.set(request, done);
      void this.post(peer, { type: 'ask', from: this.self(), request, query });
    });
  }

  answered(message: Answer): void {
    this.waiting.get(message.request)?.(message.answer);
  }
}
