import type { Registration } from './registration.js';

/**
 * Where the events of one reader's registrations come from (key events: keyspace notifications;
 * streams: consumer groups). The engine tells it which registrations exist; it offers their events
 * (`registration.offer(record)`) and may act on outcomes.
 */
export interface EventSource {
  /** A registration of this reader is installed; resolves once its events flow. */
  added(registration: Registration): void | Promise<void>;
  /**
   * The registration is gone: unregistered or replaced by an UPGRADE (`forGood`), or stood down
   * because the shard's Redis became a replica (not `forGood`: what it keeps in Redis stays).
   */
  removed(registration: Registration, forGood: boolean): void;
  close(): void;
}
