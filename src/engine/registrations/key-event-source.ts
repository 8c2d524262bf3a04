import type { Logger } from '../../log/logger.js';
import type { EventSource } from './event-source.js';
import { KeyEvents } from './key-events.js';
import type { Registry } from './registry.js';

/** KeysReader registrations: keyspace notifications, subscribed to when the first one appears. */
export class KeyEventSource implements EventSource {
  private events: KeyEvents | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly db: number,
    private readonly registry: Registry,
    private readonly log: Logger,
  ) {}

  added(): Promise<void> {
    this.events ??= new KeyEvents(this.redisUrl, this.db, this.log, (key, event) => this.registry.keyEvent(key, event));
    return this.events.start();
  }

  removed(): void {
    // the subscription stays: unsubscribing and subscribing again would lose events in between
  }

  /** Resolves once every notification sent before now was offered to the registrations. */
  fence(): Promise<void> {
    return this.events?.fence() ?? Promise.resolve();
  }

  close(): void {
    this.events?.close();
  }
}
