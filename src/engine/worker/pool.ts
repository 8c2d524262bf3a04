import type { Worker } from 'node:worker_threads';
import { overCapMessage } from './memory-guard.js';
import { spawnWorker } from './spawn.js';
import { JOB_ENDS, type FromWorker, type ToWorker, type WorkerSetup } from './protocol.js';

export interface JobHandlers {
  /** A message about the job; `thread` is the index of the thread running it. */
  onMessage(message: FromWorker, thread: number): void;
  /** The thread ended under the job: aborted, or crashed with `reason`. */
  onLost(reason: string): void;
}

interface Queued {
  readonly job: ToWorker;
  readonly handlers: JobHandlers;
}

interface Slot {
  readonly index: number;
  readonly worker: Worker;
  /** Jobs that must run on this thread (events of the sessions it holds), before shared ones. */
  readonly pinned: Queued[];
  job?: Queued & { aborting: boolean };
  /** Jobs running beside `job`, by execution id (see `beside`). */
  readonly beside: Map<string, Queued>;
  /** Settles once the thread's link to Redis has set up, or the thread ended first. */
  readonly linked: Promise<void>;
}

const WORKER_URL = new URL('./worker-main.js', import.meta.url);

/**
 * ExecutionThreads worker threads, each running one job at a time; further jobs wait in order.
 * A job may be pinned to a thread: a registering source's functions and scope live on the thread
 * that evaluated it, so their events run there. Aborting ends the thread (the only way to stop
 * `while (true) {}`) and starts a fresh one at the same index; `onRespawn` lets the engine put the
 * sessions that thread held back before its pinned jobs run.
 */
export class WorkerPool {
  private readonly slots: Slot[] = [];
  private readonly queue: Queued[] = [];
  private closed = false;
  onRespawn: (thread: number) => void = () => undefined;

  constructor(
    size: number,
    private readonly setup: WorkerSetup,
    private readonly onLog: (message: FromWorker & { type: 'log' }) => void,
  ) {
    for (let i = 0; i < size; i++) this.spawn(i, []);
  }

  /**
   * Resolves once every thread's link to Redis has set up (or failed to, for now: Redis down). A
   * gears server says it is ready only then, so that the links' setup commands do not show in the
   * MONITOR or SLOWLOG of the clients it serves.
   */
  async linked(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.linked));
  }

  get size(): number {
    return this.slots.length;
  }

  /** Jobs waiting for any free thread (pinned event jobs have their own bounds). */
  get queued(): number {
    return this.queue.length;
  }

  /** Queues a job for any thread, or for thread `thread`; `first` puts it ahead of that thread's queue. */
  submit(job: ToWorker, handlers: JobHandlers, thread?: number, first = false): void {
    if (this.closed) return handlers.onLost('the gears server is shutting down');
    if (thread === undefined) this.queue.push({ job, handlers });
    else if (first) this.slots[thread].pinned.unshift({ job, handlers });
    else this.slots[thread].pinned.push({ job, handlers });
    this.dispatch();
  }

  /**
   * Runs a job on thread `thread` at once, beside whatever runs there: a shard's part in another
   * shard's event execution (src/cluster) waits on records from that shard, so queueing it behind
   * this shard's own event executions, which may wait on that shard in turn, could deadlock both.
   */
  submitBeside(job: ToWorker, handlers: JobHandlers, thread: number): void {
    if (this.closed) return handlers.onLost('the gears server is shutting down');
    const slot = this.slots[thread];
    slot.beside.set(job.executionId, { job, handlers });
    slot.worker.postMessage(job);
  }

  /** Stops a queued or running job; false when no such job is here. */
  abort(executionId: string): boolean {
    for (const queue of [this.queue, ...this.slots.map((s) => s.pinned)]) {
      const queued = queue.findIndex((q) => q.job.executionId === executionId);
      if (queued >= 0) {
        const [{ handlers }] = queue.splice(queued, 1);
        handlers.onLost('aborted');
        return true;
      }
    }
    for (const slot of this.slots) {
      const beside = slot.beside.get(executionId);
      if (beside) {
        // the only way to stop it ends the thread, and what runs on it with it
        slot.beside.delete(executionId);
        beside.handlers.onLost('aborted');
        void slot.worker.terminate();
        return true;
      }
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
    const waiting = [this.queue, ...this.slots.map((s) => s.pinned)].flatMap((q) => q.splice(0));
    for (const { handlers } of waiting) handlers.onLost('the gears server is shutting down');
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(index: number, pinned: Queued[]): void {
    const worker = spawnWorker(WORKER_URL, {
      workerData: this.setup,
      // V8's own limit for the heap; memory-guard.ts adds the Buffers V8 does not count
      resourceLimits: { maxOldGenerationSizeMb: this.setup.maxMemoryMb },
    });
    let linked!: () => void;
    const slot: Slot = { index, worker, pinned, beside: new Map(), linked: new Promise((r) => (linked = r)) };
    this.slots[index] = slot;
    worker.on('message', (message: FromWorker) => {
      if (message.type === 'log') return this.onLog(message);
      if (message.type === 'linked') return linked();
      const beside = slot.beside.get(message.executionId);
      if (beside) {
        if (message.type === 'exhausted') {
          lost(message.message);
          void worker.terminate();
          return;
        }
        beside.handlers.onMessage(message, index);
        if (JOB_ENDS.has(message.type)) slot.beside.delete(message.executionId);
        return;
      }
      const current = slot.job;
      if (!current) return;
      if (message.type === 'exhausted') {
        // over its memory cap: the thread goes, and what the function held in it with it
        lost(message.message);
        void worker.terminate();
        return;
      }
      current.handlers.onMessage(message, index);
      if (JOB_ENDS.has(message.type)) {
        slot.job = undefined;
        this.dispatch();
      }
    });
    let ended = false;
    const lost = (reason: string) => {
      if (ended) return;
      ended = true;
      linked();
      const current = slot.job;
      slot.job = undefined;
      current?.handlers.onLost(current.aborting ? 'aborted' : reason);
      for (const side of slot.beside.values()) side.handlers.onLost(reason);
      slot.beside.clear();
      if (this.closed) return;
      this.spawn(index, slot.pinned);
      this.onRespawn(index);
      this.dispatch();
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

  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.job) continue;
      const next = slot.pinned.shift() ?? this.queue.shift();
      if (!next) continue;
      slot.job = { ...next, aborting: false };
      slot.worker.postMessage(next.job);
    }
  }
}
