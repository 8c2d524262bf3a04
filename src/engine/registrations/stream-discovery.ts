// Streams created after a StreamReader registration: Redis announces every new key on the keyevent
// channel `new` (notify-keyspace-events `n`, Redis 7+); on Redis 6.2, which has no `n`, the `xadd`
// event (and those that bring a key under a new name) stand in. One subscriber connection for all
// stream registrations; after it reconnects (notifications may have been missed) the owner rescans.
import { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import { isInternalKey } from '../readers/index.js';
import { withNotifications } from './key-events.js';

const NEW_KEY_EVENTS = ['new'];
const REDIS_62_EVENTS = ['xadd', 'rename_to', 'copy_to', 'restore', 'move_to'];

export class StreamDiscovery {
  private readonly sub: Redis;
  private readonly channelPrefix: string;
  private started: Promise<void> | null = null;

  constructor(
    redisUrl: string,
    db: number,
    private readonly log: Logger,
    private readonly onKey: (key: string) => void,
    private readonly onReconnect: () => void,
  ) {
    this.channelPrefix = `__keyevent@${db}__:`;
    this.sub = new Redis(redisUrl, { lazyConnect: true, connectionName: 'gearbox-stream-discovery' });
    this.sub.on('error', (err) => this.log.debug({ err: err.message }, 'stream discovery connection error'));
    this.sub.on('message', (_channel: string, key: string) => {
      if (!isInternalKey(key)) this.onKey(key);
    });
  }

  /** Subscribes (once); resolves when new streams are announced. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.sub.connect();
      const events = await this.enable();
      await this.sub.subscribe(...events.map((e) => this.channelPrefix + e));
      // ioredis subscribes again after a reconnect; notifications sent meanwhile are lost, so look again
      this.sub.on('ready', () => {
        void this.enable()
          .then(() => this.onReconnect())
          .catch((err: Error) => this.log.debug({ err: err.message }, 'stream discovery not re-enabled'));
      });
    })();
    return this.started;
  }

  close(): void {
    this.sub.disconnect();
  }

  /** Turns on what is needed, keeping what is set (and what key event registrations need). */
  private async enable(): Promise<string[]> {
    const current = await this.current();
    const base = withNotifications(current);
    try {
      if (!current.includes('n')) await this.set(current, `${base}n`);
      return NEW_KEY_EVENTS;
    } catch {
      if (base !== current) await this.set(current, base).catch(() => undefined);
      return REDIS_62_EVENTS;
    }
  }

  private async current(): Promise<string> {
    const reply = (await this.sub.call('CONFIG', 'GET', 'notify-keyspace-events')) as string[];
    return reply[1] ?? '';
  }

  private async set(before: string, now: string): Promise<void> {
    await this.sub.call('CONFIG', 'SET', 'notify-keyspace-events', now);
    this.log.info(
      { before, now },
      `enabled Redis keyspace notifications for stream registrations (notify-keyspace-events '${before}' -> '${now}')`,
    );
  }
}
