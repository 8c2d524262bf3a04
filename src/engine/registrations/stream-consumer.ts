// One StreamReader registration on this shard: a consumer group of its own on every stream its
// prefix matches, read in batches of `batch` entries (or whatever `duration` ms gathered), each
// batch one execution on the session's thread, acknowledged (XACK) only once that execution
// succeeded (or failed under `continue`). Positions live in Redis as the group's last delivered id
// and its pending entries, so a gears server that dies mid-batch leaves the batch pending, and the
// next consumer of the group (after a restart, or the new version after an UPGRADE) reads its
// pending entries again before new ones: at-least-once.
import { setTimeout as delay } from 'node:timers/promises';
import { Redis } from 'ioredis';
import type { Logger } from '../../log/logger.js';
import type { StreamRecord } from '../../model/plan.js';
import { errorMessage } from '../operators/index.js';
import { isInternalKey } from '../readers/index.js';
import type { Registration } from './registration.js';
import { StreamProgress } from './stream-progress.js';
import { trimProcessed } from './stream-trim.js';

/** One consumer name per group: whoever owns the group next takes over its pending entries. */
const CONSUMER = 'gearbox';
/** How long an idle read blocks before looking again (new streams also wake it with CLIENT UNBLOCK). */
const IDLE_BLOCK_MS = 1000;
const PAUSE_POLL_MS = 50;
const ERROR_BACKOFF_MS = 200;

/**
 * The consumer group of a registration: stable across restarts and upgrades of its session (the
 * registration at the same position of the same session goes on where the previous one stopped).
 */
export function groupName(reg: Registration): string {
  return `gearbox:${reg.session.name}:${reg.index}`;
}

type Entry = [id: string, fields: string[] | null];

/**
 * XREADGROUP's reply as [stream, entries] pairs: a map in RESP3 (ioredis 6's default, which gives
 * it flat: stream, entries, stream, entries), an array of pairs in RESP2.
 */
function byStream(reply: unknown): Array<[string, Entry[]]> {
  if (!Array.isArray(reply) || reply.length === 0) return [];
  if (Array.isArray(reply[0])) return reply as Array<[string, Entry[]]>;
  const out: Array<[string, Entry[]]> = [];
  for (let i = 0; i + 1 < reply.length; i += 2) out.push([reply[i] as string, reply[i + 1] as Entry[]]);
  return out;
}

/** The id just before `id`: XREADGROUP reads the entries after the id it is given (0-0 is no entry's id). */
function idBefore(id: string): string {
  const dash = id.indexOf('-');
  const ms = BigInt(id.slice(0, dash));
  const seq = BigInt(id.slice(dash + 1));
  return seq > 0n ? `${ms}-${seq - 1n}` : `${ms - 1n}-18446744073709551615`;
}

interface StreamState {
  /** This consumer's pending entries after this id have not been read again yet; null once they have. */
  pendingAfter: string | null;
}

function fields(flat: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (let i = 0; i + 1 < flat.length; i += 2) out[flat[i]] = flat[i + 1];
  return out;
}

export class StreamConsumer {
  readonly group: string;
  readonly progress = new StreamProgress();
  private readonly reads: Redis;
  private readonly streams = new Map<string, StreamState>();
  private readonly policy: string;
  private readonly batch: number;
  private readonly duration: number;
  private readonly retryMs: number;
  private readonly trim: boolean;
  private running = false;
  private loop: Promise<void> = Promise.resolve();
  private readsClientId: number | null = null;
  private reading = false;
  private wake: (() => void) | null = null;
  /** Ends every wait (pause, retry interval, idle) once the consumer stops. */
  private readonly stopping = new AbortController();
  /** The last batch's XACK (and trim), which overlaps the next batch's execution. */
  private acking: Promise<void> = Promise.resolve();

  constructor(
    readonly registration: Registration,
    redisUrl: string,
    /** A shared, never blocked connection: group creation, XACK, trimming, CLIENT UNBLOCK. */
    private readonly control: Redis,
    private readonly log: Logger,
  ) {
    const options = registration.plan.options;
    this.group = groupName(registration);
    this.policy = (options.onFailedPolicy as string | undefined) ?? 'continue';
    this.batch = (options.batch as number | undefined) ?? 1;
    this.duration = (options.duration as number | undefined) ?? 0;
    this.retryMs = ((options.onFailedRetryInterval as number | undefined) ?? 1) * 1000;
    this.trim = options.trimStream !== false;
    // blocking reads get a connection of their own, so they hold up nothing else
    this.reads = new Redis(redisUrl, { lazyConnect: true, connectionName: 'gearbox-stream-reader' });
    this.reads.on('error', (err) => this.log.debug({ err: err.message }, 'stream reader connection error'));
    this.reads.on('ready', () => {
      // a consumer stopped right after connecting closes this connection under the CLIENT ID
      void this.reads.client('ID').then(
        (id) => (this.readsClientId = id as number),
        (err: Error) => this.log.debug({ err: err.message }, 'stream reader id unknown'),
      );
    });
    registration.stream = this.progress;
  }

  /** Creates the group on the streams that exist now and starts reading. */
  async start(keys: readonly string[]): Promise<void> {
    await this.reads.connect();
    for (const key of keys) await this.addStream(key);
    this.running = true;
    this.loop = this.run();
  }

  /** A stream appeared (or was found): read it too, from its first entry, if the prefix matches. */
  async addStream(key: string): Promise<void> {
    if (this.streams.has(key) || isInternalKey(key) || !this.registration.matches(key)) return;
    if (!(await this.createGroup(key))) return;
    this.streams.set(key, { pendingAfter: '0' });
    this.interrupt();
  }

  /** Stops after the batch in hand (which is acknowledged if it succeeds); unread entries stay for the next owner. */
  async stop(): Promise<void> {
    this.halt();
    await this.loop;
  }

  private halt(): void {
    this.running = false;
    this.stopping.abort();
    this.wake?.();
    this.reads.disconnect();
  }

  /** Forgets the group on every stream (the registration is gone for good). */
  async destroyGroups(): Promise<void> {
    for (const key of this.streams.keys()) await this.control.xgroup('DESTROY', key, this.group).catch(() => 0);
  }

  /** True once the group exists on `key`; false when `key` is no stream (any more). */
  private async createGroup(key: string): Promise<boolean> {
    try {
      await this.control.xgroup('CREATE', key, this.group, '0');
      return true;
    } catch (err) {
      const message = errorMessage(err);
      if (message.startsWith('BUSYGROUP')) return true;
      this.log.debug({ key, err: message }, 'not a stream to read');
      return false;
    }
  }

  private sleep(ms: number): Promise<void> {
    return delay(ms, undefined, { signal: this.stopping.signal, ref: false }).catch(() => undefined);
  }

  private interrupt(): void {
    this.wake?.();
    if (this.reading && this.readsClientId !== null)
      void this.control.client('UNBLOCK', this.readsClientId).catch(() => 0);
  }

  /** Gathers the next batch while the current one runs: reading overlaps the execution. */
  private async run(): Promise<void> {
    let next = this.collect();
    while (this.running) {
      const records = await next;
      if (!this.running) break;
      next = this.collect();
      if (records.length > 0 && !(await this.process(records))) break;
    }
    this.halt();
    await next;
    await this.acking;
  }

  /** Up to `batch` records: this consumer's pending entries first, then new ones. Never rejects. */
  private async collect(): Promise<StreamRecord[]> {
    const records: StreamRecord[] = [];
    let deadline = Infinity;
    while (this.running && records.length < this.batch) {
      try {
        if (this.registration.paused) {
          await this.sleep(PAUSE_POLL_MS);
          continue;
        }
        if (await this.readPending(records)) continue;
        const now = Date.now();
        if (records.length > 0 && now >= deadline) break;
        const block = Number.isFinite(deadline) ? Math.max(1, deadline - now) : IDLE_BLOCK_MS;
        const got = await this.readNew(records, block);
        if (got > 0 && this.duration > 0 && !Number.isFinite(deadline)) deadline = Date.now() + this.duration;
      } catch (err) {
        if (!this.running) break;
        await this.recover(err);
      }
    }
    return records;
  }

  /** Reads this consumer's pending entries of one stream that still has some; false when none has. */
  private async readPending(records: StreamRecord[]): Promise<boolean> {
    for (const [key, state] of this.streams) {
      if (state.pendingAfter === null) continue;
      const count = this.batch - records.length;
      const reply = (await this.reads.call(
        'XREADGROUP',
        'GROUP',
        this.group,
        CONSUMER,
        'COUNT',
        count,
        'STREAMS',
        key,
        state.pendingAfter,
      )) as unknown;
      const entries = byStream(reply)[0]?.[1] ?? [];
      if (entries.length === 0) {
        state.pendingAfter = null;
        continue;
      }
      state.pendingAfter = entries[entries.length - 1][0];
      const gone: string[] = [];
      for (const [id, flat] of entries) {
        // an entry deleted (or trimmed) while pending comes back without fields: nothing to run
        if (flat === null) gone.push(id);
        else records.push({ key, id, value: fields(flat) });
      }
      if (gone.length > 0) await this.control.xack(key, this.group, ...gone);
      return true;
    }
    return false;
  }

  /** Blocks up to `block` ms for new entries on every stream; returns how many it added to `records`. */
  private async readNew(records: StreamRecord[], block: number): Promise<number> {
    const keys = [...this.streams.keys()];
    if (keys.length === 0) {
      await Promise.race([this.sleep(block), new Promise<void>((resolve) => (this.wake = resolve))]);
      this.wake = null;
      return 0;
    }
    const wanted = this.batch - records.length;
    this.reading = true;
    let reply: unknown;
    try {
      reply = (await this.reads.call(
        'XREADGROUP',
        'GROUP',
        this.group,
        CONSUMER,
        'COUNT',
        wanted,
        'BLOCK',
        block,
        'STREAMS',
        ...keys,
        ...keys.map(() => '>'),
      )) as unknown;
    } finally {
      this.reading = false;
    }
    // COUNT caps each stream, not the reply, so entries waiting on several streams come back over
    // the batch: those over it are delivered (pending for this consumer), and read again next, by
    // readPending, from just before the first of them on their stream
    let got = 0;
    for (const [key, entries] of byStream(reply)) {
      for (const [id, flat] of entries) {
        if (got === wanted) {
          const state = this.streams.get(key);
          if (state) state.pendingAfter ??= idBefore(id);
          break;
        }
        records.push({ key, id, value: fields(flat ?? []) });
        got++;
      }
    }
    return got;
  }

  /** A failed read: a stream gone (NOGROUP: deleted, flushed) is dropped or its group made again. */
  private async recover(err: unknown): Promise<void> {
    const message = errorMessage(err);
    if (message.includes('NOGROUP')) {
      for (const key of [...this.streams.keys()]) if (!(await this.createGroup(key))) this.streams.delete(key);
      for (const state of this.streams.values()) state.pendingAfter ??= '0';
      return;
    }
    this.log.debug({ err: message, registration: this.registration.id }, 'stream read failed; trying again');
    await this.sleep(ERROR_BACKOFF_MS);
  }

  /**
   * Runs one batch under the registration's onFailedPolicy; false when the consumer must stop
   * (aborted, or stopped while waiting to retry: the batch stays pending for the next owner).
   */
  private async process(records: StreamRecord[]): Promise<boolean> {
    this.progress.batchStarted(records.reduce((a, r) => (r.id < a ? r.id : a), records[0].id));
    for (;;) {
      let failure: string | null;
      try {
        const outcome = await this.registration.runBatch(records);
        failure = outcome.errors[0] ?? null;
      } catch (err) {
        // the execution did not finish: on shutdown, leave the batch pending for the next start
        if (!this.running) return false;
        failure = errorMessage(err);
      }
      if (failure === null || this.policy === 'continue') {
        this.progress.status = 'OK';
        // one acknowledgement in flight at most: batch n is acknowledged while batch n+1 runs
        await this.acking;
        this.acking = this.acknowledge(records);
        return true;
      }
      if (this.policy === 'abort') {
        this.progress.status = 'ABORTED';
        this.log.warn(
          { registration: this.registration.id, err: failure },
          'stream registration aborted on a failed batch (onFailedPolicy abort); its entries stay pending',
        );
        return false;
      }
      this.progress.status = 'WAITING_FOR_RETRY_ON_FAILURE';
      await this.sleep(this.retryMs);
      if (!this.running) return false;
    }
  }

  /** XACK per stream, then trimming what every group is done with (trimStream, default true). */
  private async acknowledge(records: StreamRecord[]): Promise<void> {
    const byKey = new Map<string, string[]>();
    for (const { key, id } of records) {
      const ids = byKey.get(key);
      if (ids) ids.push(id);
      else byKey.set(key, [id]);
    }
    try {
      const pipeline = this.control.pipeline();
      for (const [key, ids] of byKey) pipeline.xack(key, this.group, ...ids);
      await pipeline.exec();
      if (this.trim) for (const key of byKey.keys()) await trimProcessed(this.control, key);
    } catch (err) {
      // not acknowledged: the entries stay pending and run again after a restart (at-least-once)
      this.log.warn({ err: errorMessage(err), registration: this.registration.id }, 'could not acknowledge a batch');
    }
  }
}
