import type { ReaderName } from '../../model/plan.js';
import type { EventOutcome, RegisteredPlan } from '../worker/protocol.js';
import { EventQueue } from './event-queue.js';
import { globMatcher } from './glob.js';
import { RegistrationStats } from './stats.js';

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

  constructor(
    readonly id: string,
    readonly session: SessionPlace,
    /** Position of this function among those its source registered. */
    readonly index: number,
    readonly plan: RegisteredPlan,
    run: RunEvents,
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
    return (this.eventTypes === null || this.eventTypes.has(event)) && this.matches(key);
  }

  /** Queues an event unless paused; a full queue drops it and counts it. */
  offer(record: unknown): void {
    if (this.paused) return;
    if (!this.queue.push(record)) this.stats.numDropped++;
  }
}
