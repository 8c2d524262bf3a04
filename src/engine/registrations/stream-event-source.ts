import { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import { scanKeys } from '../readers/scan.js';
import type { EventSource } from './event-source.js';
import type { Registration } from './registration.js';
import { StreamConsumer } from './stream-consumer.js';
import { StreamDiscovery } from './stream-discovery.js';

/**
 * StreamReader registrations: one StreamConsumer each, on the streams that exist when it is added
 * and on those created later (StreamDiscovery). Reading is pulled a batch at a time, so a flood of
 * entries waits in the stream, in Redis, not in this process's memory.
 */
export class StreamEventSource implements EventSource {
  private readonly consumers = new Map<string, StreamConsumer>();
  private control: Redis | null = null;
  private discovery: StreamDiscovery | null = null;

  constructor(
    private readonly redisUrl: string,
    private readonly db: number,
    private readonly log: Logger,
  ) {}

  async added(reg: Registration): Promise<void> {
    const control = (this.control ??= this.connect());
    this.discovery ??= new StreamDiscovery(
      this.redisUrl,
      this.db,
      this.log,
      (key) => this.found(key),
      () => void this.rescan(),
    );
    await this.discovery.start();
    const consumer = new StreamConsumer(reg, this.redisUrl, control, this.log);
    // an UPGRADE: the previous version hands the group over once its batch in hand is done, so the
    // new one starts from the group's pending entries and no entry runs in both versions
    for (const previous of this.consumers.values()) if (previous.group === consumer.group) await previous.stop();
    this.consumers.set(reg.id, consumer);
    await consumer.start(await this.streams(reg.plan.arg ?? '*'));
  }

  removed(reg: Registration, forGood: boolean): void {
    const consumer = this.consumers.get(reg.id);
    if (!consumer) return;
    this.consumers.delete(reg.id);
    const handedOver = [...this.consumers.values()].some((c) => c.group === consumer.group);
    // unregistered for good: its consumer groups go too, or they would hold back trimming for ever; a
    // stood-down one leaves them, with their positions, to the gears server of the promoted replica
    // stopping closes the consumer's connection under a blocked read, whose "Connection is closed" is expected
    void consumer
      .stop()
      .then(() => (handedOver || !forGood ? undefined : consumer.destroyGroups()))
      .catch((err: Error) => this.log.debug({ err: err.message }, 'stream consumer stopped with an error'));
  }

  close(): void {
    const stopping = [...this.consumers.values()].map((c) => c.stop());
    this.consumers.clear();
    this.discovery?.close();
    const control = this.control;
    void Promise.allSettled(stopping).finally(() => control?.disconnect());
  }

  private connect(): Redis {
    const control = new Redis(this.redisUrl, { connectionName: 'gearbox-streams', maxRetriesPerRequest: 1 });
    control.on('error', (err) => this.log.debug({ err: err.message }, 'stream control connection error'));
    return control;
  }

  private found(key: string): void {
    for (const consumer of this.consumers.values())
      consumer.addStream(key).catch((err: Error) => this.log.debug({ key, err: err.message }, 'stream not added'));
  }

  private async streams(pattern: string): Promise<string[]> {
    const keys: string[] = [];
    for await (const batch of scanKeys(this.control!, pattern, undefined, 'stream')) keys.push(...batch);
    return keys;
  }

  private async rescan(): Promise<void> {
    for (const consumer of this.consumers.values()) {
      try {
        for (const key of await this.streams(consumer.registration.plan.arg ?? '*')) await consumer.addStream(key);
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, 'stream rescan failed');
      }
    }
  }
}
