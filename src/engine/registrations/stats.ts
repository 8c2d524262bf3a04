import type { EventOutcome } from '../worker/protocol.js';

/** RedisGears' per-registration counters (RG.DUMPREGISTRATIONS), plus the events a full queue dropped. */
export class RegistrationStats {
  numTriggered = 0;
  numSuccess = 0;
  numFailures = 0;
  numAborted = 0;
  /** gearbox's own: events not run because the registration's queue was full (see MaxPendingEvents). */
  numDropped = 0;
  lastRunDurationMS = 0;
  totalRunDurationMS = 0;
  lastError: string | null = null;

  get avgRunDurationMS(): number {
    const runs = this.numSuccess + this.numFailures;
    return runs === 0 ? 0 : this.totalRunDurationMS / runs;
  }

  record(outcome: EventOutcome): void {
    if (outcome.skipped) return;
    this.numTriggered++;
    this.lastRunDurationMS = outcome.ms;
    this.totalRunDurationMS += outcome.ms;
    if (outcome.errors.length > 0) {
      this.numFailures++;
      this.lastError = outcome.errors[0];
    } else this.numSuccess++;
  }

  aborted(count: number, reason: string): void {
    this.numTriggered += count;
    this.numAborted += count;
    this.lastError = reason;
  }

  clear(): void {
    this.numTriggered = this.numSuccess = this.numFailures = this.numAborted = this.numDropped = 0;
    this.lastRunDurationMS = this.totalRunDurationMS = 0;
    this.lastError = null;
  }
}

/** A registration's counters as data (a RegistrationStats, or one received from another shard). */
export type StatsView = Omit<RegistrationStats, 'record' | 'aborted' | 'clear' | 'avgRunDurationMS'>;

/**
 * The counters of one registration on several shards added up (RG.DUMPREGISTRATIONS CLUSTER): the
 * average is recomputed from the sums; the last duration and error are the first shard's that has one.
 */
export function sumStats(all: readonly StatsView[]): StatsView & { readonly avgRunDurationMS: number } {
  const sum = new RegistrationStats();
  for (const s of all) {
    sum.numTriggered += s.numTriggered;
    sum.numSuccess += s.numSuccess;
    sum.numFailures += s.numFailures;
    sum.numAborted += s.numAborted;
    sum.numDropped += s.numDropped;
    sum.totalRunDurationMS += s.totalRunDurationMS;
  }
  sum.lastRunDurationMS = all.find((s) => s.numTriggered > 0)?.lastRunDurationMS ?? 0;
  sum.lastError = all.find((s) => s.lastError !== null)?.lastError ?? null;
  return sum;
}
