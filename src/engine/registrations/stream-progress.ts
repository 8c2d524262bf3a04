/** RedisGears 1.2's stream registration statuses (stream_reader.c), PAUSED aside: that one is the registration's. */
export type StreamStatus = 'OK' | 'WAITING_FOR_RETRY_ON_FAILURE' | 'ABORTED';

/**
 * What a StreamReader registration's consumer shows in RG.DUMPREGISTRATIONS beyond the common
 * counters: its status, and the estimated lag of its batches (from an entry's id time to the start
 * of the execution that handles it), as RedisGears reports them.
 */
export class StreamProgress {
  status: StreamStatus = 'OK';
  lastBatchLagMS = 0;
  private totalBatchLagMS = 0;
  private batches = 0;

  get avgBatchLagMS(): number {
    return this.batches === 0 ? 0 : this.totalBatchLagMS / this.batches;
  }

  /** A batch starts; `oldestId` is the id of its oldest entry (milliseconds before the dash). */
  batchStarted(oldestId: string): void {
    const lag = Math.max(0, Date.now() - Number(oldestId.slice(0, oldestId.indexOf('-'))));
    this.lastBatchLagMS = lag;
    this.totalBatchLagMS += lag;
    this.batches++;
  }

  clear(): void {
    this.lastBatchLagMS = this.totalBatchLagMS = this.batches = 0;
  }
}
