import type { ReaderName } from '../../model/plan.js';
import type { EventOutcome, RegisteredPlan } from '../worker/protocol.js';
import { EventQueue } from './event-queue.js';
import { globMatcher } from './glob.js';
import { RegistrationStats } from './stats.js';
import type { StreamProgress } from './stream-progress.js';

export type RegistrationMode = 'async' | 'async_local' | 'sync';

/** Where a registration's functions live: a session's source, evaluated on one execution thread. */
export interface SessionPlace {
  readonly name: string;
  /** The key under which the thread holds this version of the session's functions. */
  readonly key: string;
  thread: number;
}

/** Runs a batch of events of a registration on its session's thread. */
export type RunEvents = (registration: Registration, records: unknown[]) => Promise<EventOutcome[]>;

/** One registered function on this shard: what it listens to, its queue and its counters. */
export class Registration {
  readonly stats = new RegistrationStats();
  readonly queue: EventQueue;
  readonly reader: ReaderName;
  readonly mode: RegistrationMode;
  readonly matches: (key: string) => boolean;
  private readonly eventTypes: ReadonlySet<string> | null;
  paused = false;
  /** StreamReader: its consumer's status and lag, set by the stream event source. */
  stream: StreamProgress | null = null;

  constructor(
    readonly id: string,
    readonly session: SessionPlace,
    /** Position of this function among those its source registered. */
    readonly index: number,
    readonly plan: RegisteredPlan,
    private readonly run: RunEvents,
    queueLimit: () => number,
  ) {
    this.reader = plan.reader;
    this.mode = (plan.options.mode as RegistrationMode | undefined) ?? 'async';
    this.matches = globMatcher(plan.arg);
    const types = plan.options.eventTypes as string[] | undefined | null;
    this.eventTypes = types?.length ? new Set(types.map((t) => t.toLowerCase())) : null;
    this.queue = new EventQueue(queueLimit, async (records) => {
      let outcomes: EventOutcome[];
      try {
        outcomes = await run(this, records);
      } catch (err) {
        this.stats.aborted(records.length, (err as Error).message);
        return;
      }
      for (const outcome of outcomes) this.stats.record(outcome);
    });
  }

  get desc(): string | undefined {
    return this.plan.desc;
  }

  get trigger(): string | undefined {
    return this.reader === 'CommandReader' ? (this.plan.options.trigger as string) : undefined;
  }

  /** KeysReader: does a key event concern this registration? */
  wantsKeyEvent(key: string, event: string): boolean {
    // `new` (notify-keyspace-events n, turned on for stream registrations) only when asked for by
    // name: RedisGears subscribes to REDISMODULE_NOTIFY_ALL, which leaves it out, so a write that
    // creates a key fires a registration once, not twice
    const wanted = this.eventTypes === null ? event !== 'new' : this.eventTypes.has(event);
    return wanted && this.matches(key);
  }

  /**
   * Runs `records` as one execution (a stream registration's batch) and counts it; rejects when the
   * execution could not run to its end (its thread was lost), after counting it as aborted.
   */
  async runBatch(records: unknown[]): Promise<EventOutcome> {
    try {
      const [outcome] = await this.run(this, records);
      this.stats.record(outcome);
      return outcome;
    } catch (err) {
      this.stats.aborted(1, (err as Error).message);
      throw err;
    }
  }

  /** Queues an event unless paused; a full queue drops it and counts it. */
  offer(record: unknown): void {
    if (this.paused) return;
    if (!this.queue.push(record)) this.stats.numDropped++;
  }
}
