import type { ExecutionStatus, StatsView } from '../engine/index.js';
import type { Shard } from './topology.js';

/** The plan of a distributed execution that every shard receives: who takes part, who collects. */
export interface RunPlan {
  readonly id: string;
  readonly originator: string;
  readonly shards: readonly Shard[];
  readonly runIds: Readonly<Record<string, string>>;
}

/** Control messages between gears servers, carried by each shard's inbox stream (src/cluster/keys.ts). */
export type Message =
  | {
      readonly type: 'run';
      readonly from: string;
      readonly plan: RunPlan;
      readonly source: string;
      readonly requirements?: readonly string[];
      /** RG.JSEXECUTE ... ID <session> [UPGRADE], for a source that registers. */
      readonly session?: string;
      readonly upgrade?: boolean;
    }
  /** Take part in an execution of registration `registration` that an event on the originator started. */
  | { readonly type: 'event'; readonly from: string; readonly plan: RunPlan; readonly registration: string }
  | { readonly type: 'accepted'; readonly from: string; readonly id: string }
  | {
      readonly type: 'done';
      readonly from: string;
      readonly id: string;
      /** `failed` when the source or the thread failed before the run ended. */
      readonly status: ExecutionStatus | 'failed';
      readonly errors: readonly string[];
    }
  | { readonly type: 'abort'; readonly from: string; readonly id: string; readonly reason: string }
  /** The ids the originator gave the functions a registering source registered, for every shard to use. */
  | { readonly type: 'ids'; readonly from: string; readonly id: string; readonly ids: readonly string[] }
  | { readonly type: 'ask'; readonly from: string; readonly request: string; readonly query: Query }
  | { readonly type: 'answer'; readonly from: string; readonly request: string; readonly answer: unknown };

/** RG.UNREGISTER, RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS, carried out on every shard. */
export type RegistryOp = 'unregister' | 'pause' | 'unpause';

/** What one gears server asks another (src/cluster/requests.ts); each kind's answer type is beside it. */
export type Query =
  /** ExecutionSummary | null */
  | { readonly kind: 'execution'; readonly id: string }
  /** ListedExecution[] */
  | { readonly kind: 'executions' }
  /** ShardRegistration[] */
  | { readonly kind: 'registrations' }
  /** RegistryOutcome */
  | { readonly kind: 'registry'; readonly op: RegistryOp; readonly ids: readonly string[] }
  /** TriggerAnswer: RG.TRIGGERONKEY sent to another shard than the key's */
  | { readonly kind: 'trigger'; readonly name: string; readonly args: readonly string[] };

export interface ListedExecution {
  readonly id: string;
  readonly status: ExecutionStatus;
  readonly registered: boolean;
}

export interface ShardRegistration {
  readonly id: string;
  readonly stats: StatsView;
}

export type TriggerAnswer = { readonly results: unknown[]; readonly errors: string[] } | { readonly error: string };

export interface RegistryOutcome {
  readonly error: string | null;
}
