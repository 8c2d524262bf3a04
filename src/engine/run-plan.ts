import type { Redis } from 'ioredis';
import type { Plan, RunOptions } from '../model/plan.js';
import { ExecutionAbortedError } from './errors.js';
import { lowerRun, type Primitive } from './lower.js';
import {
  ErrorSink,
  errorMessage,
  LOCAL_EXCHANGE,
  isThenable,
  makeOperator,
  type Batch,
  type Exchange,
  type Operator,
} from './operators/index.js';
import { READERS } from './readers/index.js';
import { toResult } from './results.js';

export interface RunDeps {
  readonly redis: Redis;
  readonly shardId: string;
  readonly clusterMode?: boolean;
  /** Moves records between shards; without it the run is local to this shard. */
  readonly exchange?: Exchange;
  readonly profile?: boolean;
  /** The records of one event: when given, they replace what the plan's reader would read. */
  readonly records?: Batch;
  /** Nobody will read the results (an event execution that is not listed): skip converting them. */
  readonly discardResults?: boolean;
  /** Called now and then with the number of records read so far. */
  readonly onProgress?: (recordsRead: number) => void;
  /**
   * Aborted when the run cannot go on honestly (Redis went away under it): no more batches are read,
   * and the report says why instead of passing partial results off as a finished run.
   */
  readonly signal?: AbortSignal;
}

export interface StepReport {
  readonly kind: Primitive['kind'];
  readonly from: string;
  durationMs: number;
}

export interface RunReport {
  readonly results: unknown[];
  readonly errors: string[];
  readonly recordsRead: number;
  readonly readMs: number;
  readonly totalMs: number;
  readonly steps: StepReport[];
  /** Records and bytes sent to other shards (absent outside a cluster). */
  readonly recordsMoved?: number;
  readonly bytesMoved?: number;
  /** Why the run stopped before its reader was done, if it did. */
  readonly interrupted?: string;
}

const PROGRESS_EVERY_MS = 250;

/** Executes a closed batch function on this shard: the reader's batches stream through the operators. */
export async function runPlan(plan: Plan, deps: RunDeps): Promise<RunReport> {
  const started = performance.now();
  const options: RunOptions = plan.action?.options ?? {};
  const primitives = lowerRun(plan, deps.exchange !== undefined);
  const errors = new ErrorSink();
  const exchange = deps.exchange ?? LOCAL_EXCHANGE;
  const operators = primitives.map((p) => makeOperator(p, errors, exchange));
  const steps: StepReport[] = primitives.map((p) => ({ kind: p.kind, from: p.from, durationMs: 0 }));
  const profile = deps.profile === true;
  const results: unknown[] = [];

  const through = async (batch: Batch, from: number): Promise<void> => {
    let current = batch;
    for (let i = from; i < operators.length && current.length > 0; i++) {
      const t = profile ? performance.now() : 0;
      const out = operators[i].push(current);
      current = isThenable(out) ? await out : out;
      if (profile) steps[i].durationMs += performance.now() - t;
    }
    for (const record of current) results.push(record);
  };

  const signal = deps.signal;
  let interrupted: string | undefined;
  const interrupt = (): void => {
    interrupted ??= errorMessage(signal?.reason);
    errors.close();
  };
  signal?.addEventListener('abort', interrupt, { once: true });

  const reader = READERS[plan.reader.name];
  const arg = plan.action?.arg ?? plan.reader.defaultArg;
  let recordsRead = 0;
  let readMs = 0;
  let lastProgress = started;
  try {
    if (deps.records) {
      // an event's records: no reader to pull from (this runs once per event, so it stays lean)
      recordsRead = deps.records.length;
      await through(deps.records, 0);
    } else {
      const iterator = reader({
        redis: deps.redis,
        shardId: deps.shardId,
        arg,
        options,
        clusterMode: deps.clusterMode === true,
      })[Symbol.asyncIterator]();
      for (;;) {
        if (signal?.aborted) break;
        const t = performance.now();
        const next = await iterator.next();
        readMs += performance.now() - t;
        if (next.done) break;
        recordsRead += next.value.length;
        if (deps.onProgress && t - lastProgress > PROGRESS_EVERY_MS) {
          lastProgress = t;
          deps.onProgress(recordsRead);
        }
        await through(next.value, 0);
      }
    }
  } catch (err) {
    if (err instanceof ExecutionAbortedError) throw err;
    if (!signal?.aborted) errors.add(err);
  }
  if (!signal?.aborted) await finish(operators, steps, profile, through);
  signal?.removeEventListener('abort', interrupt);
  if (signal?.aborted) interrupt();
  const convert = options.convertToStr !== false;
  const moved = exchange.stats?.();
  return {
    results: interrupted !== undefined || deps.discardResults ? [] : convert ? results.map(toResult) : results,
    errors: errors.messages,
    interrupted,
    recordsRead,
    readMs,
    totalMs: performance.now() - started,
    steps,
    recordsMoved: moved?.recordsMoved ?? 0,
    bytesMoved: moved?.bytesMoved ?? 0,
  };
}

/** Flushes stateful operators in order; what operator i emits at the end flows through i+1 onwards. */
async function finish(
  operators: Operator[],
  steps: StepReport[],
  profile: boolean,
  through: (batch: Batch, from: number) => Promise<void>,
): Promise<void> {
  for (let i = 0; i < operators.length; i++) {
    const t = profile ? performance.now() : 0;
    const out = operators[i].finish();
    const batch = isThenable(out) ? await out : out;
    if (profile) steps[i].durationMs += performance.now() - t;
    if (batch.length > 0) await through(batch, i + 1);
  }
}
