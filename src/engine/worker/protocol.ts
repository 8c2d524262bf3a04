// Messages between the engine (main thread) and its execution workers. Everything here crosses a
// thread boundary by structured clone, so it is plain data.
import type { RunReport } from '../run-plan.js';

export interface WorkerSetup {
  readonly redisUrl: string;
  readonly shardId: string;
  readonly lowestSlot: number;
  readonly clusterMode: boolean;
  /** Where REQUIREMENTS are installed; require() looks there first. */
  readonly requirementsDir?: string;
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
}

export type ToWorker = RunJob;

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
  | {
      readonly type: 'log';
      readonly level: 'debug' | 'info' | 'warn' | 'error';
      readonly message: string;
      readonly executionId?: string;
    };
