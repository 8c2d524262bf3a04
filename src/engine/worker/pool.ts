import { Worker } from 'node:worker_threads';
import { overCapMessage } from './memory-guard.js';
import type { FromWorker, RunJob, WorkerSetup } from './protocol.js';

export interface JobHandlers {
  onMessage(message: FromWorker): void;
  /** The thread ended under the job: aborted, or crashed with `reason`. */
  onLost(reason: string): void;
}

interface Slot {
  readonly worker: Worker;
  job?: { readonly job: RunJob; readonly handlers: JobHandlers; aborting: boolean };
}

const WORKER_URL = new URL('./worker-main.js', import.meta.url);

/**
 * ExecutionThreads worker threads, each running one job at a time; further jobs wait in order.
 * Aborting ends the thread (the only way to stop `while (true) {}`) and starts a fresh one.
 */
export class WorkerPool {
  private readonly slots = new Set<Slot>();
  private readonly queue: Array<{ job: RunJob; handlers: JobHandlers }> = [];
  private closed = false;

  constructor(
    size: number,
    private readonly setup: WorkerSetup,
    private readonly onLog: (message: FromWorker & { type: 'log' }) => void,
  ) {
    for (let i = 0; i < size; i++) this.spawn();
  }

  /** Jobs waiting for a free thread. */
  get queued(): number {
    return this.queue.length;
  }

  submit(job: RunJob, handlers: JobHandlers): void {
    this.queue.push({ job, handlers });
    this.dispatch();
  }

  /** Stops a queued or running job; false when no such job is here. */
  abort(executionId: string): boolean {
    const queued = this.queue.findIndex((q) => q.job.executionId === executionId);
    if (queued >= 0) {
      const [{ handlers }] = this.queue.splice(queued, 1);
      handlers.onLost('aborted');
      return true;
    }
    for (const slot of this.slots) {
      if (slot.job?.job.executionId === executionId) {
        slot.job.aborting = true;
        void slot.worker.terminate();
        return true;
      }
    }
    return false;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const { handlers } of this.queue.splice(0)) handlers.onLost('the gears server is shutting down');
    await Promise.all([...this.slots].map((s) => s.worker.terminate()));
  }

  private spawn(): void {
    const worker = new Worker(WORKER_URL, {
      workerData: this.setup,
      // V8's own limit for the heap; memory-guard.ts adds the Buffers V8 does not count
      resourceLimits: { maxOldGenerationSizeMb: this.setup.maxMemoryMb },
    });
    const slot: Slot = { worker };
    this.slots.add(slot);
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'log') return this.onLog(message);
      const current = slot.job;
      if (!current) return;
      if (message.type === 'exhausted') return this.retire(slot, message.message);
      current.handlers.onMessage(message);
      if (message.type === 'done' || message.type === 'failed') {
        slot.job = undefined;
        this.dispatch();
      }
    });
    const lost = (reason: string) => {
      if (this.slots.has(slot)) this.retire(slot, slot.job?.aborting ? 'aborted' : reason);
    };
    worker.on('error', (err: NodeJS.ErrnoException) =>
      lost(
        err.code === 'ERR_WORKER_OUT_OF_MEMORY'
          ? overCapMessage(this.setup.maxMemoryMb)
          : `the execution thread crashed: ${err.message}`,
      ),
    );
    worker.on('exit', (code) => lost(`the execution thread exited with code ${code}`));
  }

  /**
   * Ends a thread that died, was aborted or went over its memory cap (what it held goes with it),
   * tells its job why, and starts a fresh thread in its place.
   */
  private retire(slot: Slot, reason: string): void {
    const current = slot.job;
    slot.job = undefined;
    this.slots.delete(slot);
    void slot.worker.terminate();
    current?.handlers.onLost(reason);
    if (!this.closed) {
      this.spawn();
      this.dispatch();
    }
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.job) continue;
      const next = this.queue.shift()!;
      slot.job = { ...next, aborting: false };
      slot.worker.postMessage(next.job);
    }
  }
}
