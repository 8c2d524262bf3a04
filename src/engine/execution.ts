import type { RunReport, StepReport } from './run-plan.js';
import type { StepInfo } from './worker/protocol.js';

export type ExecutionStatus = 'created' | 'running' | 'done' | 'aborted';

/** What RG.GETEXECUTION shows of an execution, as plain data that can travel to another shard. */
export interface ExecutionSummary {
  readonly status: ExecutionStatus;
  readonly finished: boolean;
  readonly resultCount: number;
  readonly errors: readonly string[];
  readonly steps: readonly StepInfo[];
  readonly stepDurationsMs: readonly number[];
  readonly totalMs: number;
  readonly readMs: number;
  readonly recordsRead: number;
  readonly recordsMoved: number;
  readonly bytesMoved: number;
}

/** One execution of a gear function on this shard: its status, and once finished its results and errors. */
export class Execution {
  status: ExecutionStatus = 'created';
  results: unknown[] = [];
  errors: string[] = [];
  steps: StepInfo[] = [];
  stepReports: StepReport[] = [];
  recordsRead = 0;
  totalMs = 0;
  readMs = 0;
  recordsMoved = 0;
  bytesMoved = 0;
  /** Ended by an error of the source or the thread rather than by running to its end. */
  failed = false;
  readonly createdAt = Date.now();
  /** Made when someone waits (a registration's executions, finished when listed, mostly never are). */
  private settled?: Promise<void>;
  private settle?: () => void;

  constructor(
    readonly id: string,
    /** Blocking executions are listed only while they run, as RedisGears does not keep them. */
    readonly listed: boolean,
    readonly registered = false,
  ) {}

  get finished(): boolean {
    return this.status === 'done' || this.status === 'aborted';
  }

  /** Resolves when the execution is done or aborted. */
  whenFinished(): Promise<void> {
    if (this.finished) return Promise.resolve();
    return (this.settled ??= new Promise((resolve) => (this.settle = resolve)));
  }

  start(steps: StepInfo[]): void {
    this.status = 'running';
    this.steps = steps;
  }

  complete(report: RunReport): void {
    if (this.finished) return;
    if (report.interrupted !== undefined) {
      this.errors = report.errors;
      this.recordsRead = report.recordsRead;
      return this.abort(report.interrupted);
    }
    this.results = report.results;
    this.errors = report.errors;
    this.stepReports = report.steps;
    this.recordsRead = report.recordsRead;
    this.totalMs = report.totalMs;
    this.readMs = report.readMs;
    this.recordsMoved = report.recordsMoved ?? 0;
    this.bytesMoved = report.bytesMoved ?? 0;
    this.finish('done');
  }

  fail(message: string): void {
    if (!this.finished) this.failed = true;
    this.errors = [...this.errors, message];
    this.finish('done');
  }

  /**
   * Ends the execution as aborted, with one error naming the cause and how far it got; results read
   * so far are not reported, since they are not the function's results.
   */
  abort(cause = 'Execution was aborted'): void {
    if (this.finished) return;
    const read = this.recordsRead === 1 ? '1 record' : `${this.recordsRead} records`;
    this.results = [];
    this.errors = [...this.errors, `${cause} (after ${read} read)`];
    this.finish('aborted');
  }

  summary(): ExecutionSummary {
    return {
      status: this.status,
      finished: this.finished,
      resultCount: this.results.length,
      errors: [...this.errors],
      steps: this.steps,
      stepDurationsMs: this.stepReports.map((s) => s.durationMs),
      totalMs: this.totalMs,
      readMs: this.readMs,
      recordsRead: this.recordsRead,
      recordsMoved: this.recordsMoved,
      bytesMoved: this.bytesMoved,
    };
  }

  private finish(status: ExecutionStatus): void {
    if (this.finished) return;
    this.status = status;
    this.totalMs ||= Date.now() - this.createdAt;
    this.settle?.();
  }
}
