// Messages between the engine (main thread) and its execution workers. Everything here crosses a
// thread boundary by structured clone, so it is plain data.
import type { ReaderName } from '../../model/plan.js';
import type { RedisTls } from '../redis-tls.js';
import type { RunReport } from '../run-plan.js';

export interface WorkerSetup {
  readonly redisUrl: string;
  readonly shardId: string;
  readonly lowestSlot: number;
  readonly clusterMode: boolean;
  /** Where REQUIREMENTS are installed; require() looks there first. */
  readonly requirementsDir?: string;
  /** ExecutionMaxMemory: megabytes of heap and Buffers the thread may hold. */
  readonly maxMemoryMb: number;
  /** TLS material for a rediss:// URL. */
  readonly redisTls?: RedisTls;
}

/**
 * How a job takes part in an execution spread over shards, set by the cluster layer: `module` is the
 * URL of a module whose `createExchange(setup, executionId)` returns the Exchange that moves records
 * (the engine loads it by URL so that it never imports the cluster layer), `lowestSlot` feeds hashtag().
 */
export interface JobDistribution {
  readonly module: string;
  readonly setup: unknown;
  readonly lowestSlot: number;
}

export interface RunJob {
  readonly type: 'run';
  readonly executionId: string;
  readonly source: string;
  readonly config: Record<string, number | boolean | string>;
  readonly distribution?: JobDistribution;
  /** When the source registers, the thread keeps its functions (and its scope) under this key. */
  readonly sessionKey?: string;
}

/** Events for registration `index` of a session the thread holds: one execution per record. */
export interface EventsJob {
  readonly type: 'events';
  readonly executionId: string;
  readonly sessionKey: string;
  readonly index: number;
  readonly records: unknown[];
  /** Results are sent back only for the last `keep` events (the registered executions listed). */
  readonly keep: number;
  /**
   * A `mode: 'async'` registration's execution spread over a cluster: the records (none on the
   * shards that did not see the event) run as one execution whose collect and repartition steps
   * move records between shards; `executionId` is the same on every shard.
   */
  readonly distribution?: JobDistribution;
}

/** `activate`: the engine accepted the session's registrations (onRegistered runs); `unload`: forget it. */
export interface SessionJob {
  readonly type: 'activate' | 'unload';
  readonly executionId: string;
  readonly sessionKey: string;
  readonly ids: readonly string[];
}

export type ToWorker = RunJob | EventsJob | SessionJob;

/** A function a source closed with register(), as data: everything but its callbacks. */
export interface RegisteredPlan {
  readonly reader: ReaderName;
  readonly desc?: string;
  /** The key or stream pattern (register's first argument, else GB's default argument). */
  readonly arg?: string;
  readonly options: Record<string, unknown>;
  /** Its steps move records between shards (collect, repartition, or an operation lowered to them). */
  readonly movesRecords: boolean;
}

/** How one event's execution went; `skipped` when the event did not match (keyTypes). */
export interface EventOutcome {
  readonly ms: number;
  readonly errors: string[];
  readonly results?: unknown[];
  readonly skipped?: boolean;
}

/** What the source turned out to be, once evaluated: a batch run (with its lowered steps), or neither. */
export interface StepInfo {
  readonly type: string;
  readonly name: string;
  readonly arg: string;
}

export type FromWorker =
  | { readonly type: 'started'; readonly executionId: string; readonly steps: StepInfo[] }
  | { readonly type: 'progress'; readonly executionId: string; readonly recordsRead: number }
  | { readonly type: 'done'; readonly executionId: string; readonly report: RunReport }
  | { readonly type: 'failed'; readonly executionId: string; readonly message: string }
  | { readonly type: 'aborted'; readonly executionId: string; readonly message: string }
  /** The thread is over its memory cap: the execution fails and the thread must be replaced. */
  | { readonly type: 'exhausted'; readonly executionId: string; readonly message: string }
  | { readonly type: 'registered'; readonly executionId: string; readonly plans: RegisteredPlan[] }
  | { readonly type: 'events-done'; readonly executionId: string; readonly outcomes: EventOutcome[] }
  | { readonly type: 'session-done'; readonly executionId: string }
  /** The thread's link to Redis has set up (or failed to, for now): see WorkerPool.linked. */
  | { readonly type: 'linked' }
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly executionId?: string;
    };

/** Messages that end the job a thread runs. */
export const JOB_ENDS: ReadonlySet<FromWorker['type']> = new Set([
  'done',
  'failed',
  'registered',
  'events-done',
  'session-done',
]);
