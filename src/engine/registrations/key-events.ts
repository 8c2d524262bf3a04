// Key events from Redis keyspace notifications: one subscriber connection per engine, opened when
// the first KeysReader registration appears. The engine turns notifications on (CONFIG SET
// notify-keyspace-events, adding what is missing to what is set) and says so in its log; it checks
// again after every reconnect, since a restarted Redis forgets a CONFIG SET.
import { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import { isInternalKey } from '../readers/index.js';
import { tlsOptionsFor } from '../redis-tls.js';

/** `E` (keyevent channels) and every class of `A` (g$lshzxetd): all the events registrations can name. */
const NEEDED = 'Eg$lshzxetd';

export function withNotifications(current: string): string {
  const missing = [...NEEDED].filter((flag) => !current.includes(flag) && !(flag !== 'E' && current.includes('A')));
  return current + missing.join('');
}

const FENCE_TIMEOUT_MS = 5000;

export type KeyEventListener = (key: string, event: string) => void;

export class KeyEvents {
  private readonly sub: Redis;
  private readonly channelPrefix: string;
  private started: Promise<void> | null = null;

  constructor(
    private readonly redisUrl: string,
    db: number,
    private readonly log: Logger,
    private readonly listener: KeyEventListener,
  ) {
    this.channelPrefix = `__keyevent@${db}__:`;
    // RESP3, so that PING (fence) is allowed on the subscribed connection
    this.sub = new Redis(redisUrl, {
      ...tlsOptionsFor(redisUrl),
      lazyConnect: true,
      connectionName: 'gearbox-key-events',
      protocol: 3,
    });
    this.sub.on('error', (err) => this.log.debug({ err: err.message }, 'key events connection error'));
    this.sub.on('pmessageBuffer', (_pattern: Buffer, channel: Buffer, message: Buffer) => {
      const key = message.toString();
      if (isInternalKey(key)) return;
      this.listener(key, channel.toString('latin1', this.channelPrefix.length));
    });
  }

  /** Subscribes (once) and makes sure Redis notifies; resolves when events flow. */
  start(): Promise<void> {
    this.started ??= (async () => {
      await this.sub.connect();
      await this.enable();
      this.sub.on('ready', () => void this.enable());
      await this.sub.psubscribe(`${this.channelPrefix}*`);
    })().catch((err: Error) => {
      // the next registration tries again
      this.started = null;
      this.sub.disconnect();
      throw new Error(`cannot subscribe to key events on Redis: ${err.message}`);
    });
    return this.started;
  }

  /**
   * Resolves once every notification Redis sent before now has reached the listener: a PING on
   * the subscriber connection is answered after the messages already queued for it, in order.
   */
  async fence(): Promise<void> {
    if (!this.started) return;
    await this.started;
    // a notification connection that is down (reconnecting) must not hold writers' replies for ever
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<void>((resolve) => {
      timer = setTimeout(() => {
        this.log.warn(`no answer on the key events connection within ${FENCE_TIMEOUT_MS} ms; replying to the write`);
        resolve();
      }, FENCE_TIMEOUT_MS);
    });
    await Promise.race([this.sub.ping().then(() => undefined), late]);
    clearTimeout(timer);
  }

  close(): void {
    this.sub.disconnect();
  }

  private async enable(): Promise<void> {
    try {
      const reply = (await this.sub.call('CONFIG', 'GET', 'notify-keyspace-events')) as
        string[] | Record<string, string>;
      const current = Array.isArray(reply) ? (reply[1] ?? '') : (Object.values(reply)[0] ?? '');
      const wanted = withNotifications(current);
      if (wanted === current) return;
      await this.sub.call('CONFIG', 'SET', 'notify-keyspace-events', wanted);
      this.log.info(
        { before: current, now: wanted },
        `enabled Redis keyspace notifications for key event registrations (notify-keyspace-events '${current}' -> '${wanted}')`,
      );
    } catch (err) {
      this.log.warn(
        { err: (err as Error).message },
        'could not enable keyspace notifications (CONFIG SET notify-keyspace-events): key event registrations will not fire until it is set to include KEA',
      );
    }
  }
}
