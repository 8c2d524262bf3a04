import type { ExecutionStatus, ExecutionSummary } from '../engine/index.js';
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
  | { readonly type: 'describe'; readonly from: string; readonly id: string; readonly request: string }
  | {
      readonly type: 'described';
      readonly from: string;
      readonly request: string;
      readonly summary: ExecutionSummary | null;
    };
