import { getHeapStatistics } from 'node:v8';
import { Redis } from 'ioredis';
import { childLogger, type Logger } from '../log/logger.js';
import { ClosedGearFunction, GearsBuilder, OpenGearFunction, toSource } from '../model/index.js';
import { createRuntime } from '../runtime/index.js';
import { GearsConfig, type ConfigValue } from './config.js';
import { GearsError } from './errors.js';
import { Execution } from './execution.js';
import { Executions } from './executions.js';
import { Requirements } from './requirements.js';
import { readIdentity, STANDALONE_SHARD_ID, type ShardIdentity } from './identity.js';
import type { RunReport } from './run-plan.js';
import { compileSource } from './worker/evaluate.js';
import { WorkerPool } from './worker/pool.js';
import type { FromWorker, JobDistribution } from './worker/protocol.js';

export interface EngineOptions {
  readonly redisUrl: string;
  /** Initial configuration, RedisGears names (ExecutionThreads is fixed from here on). */
  readonly config?: Record<string, ConfigValue>;
  readonly logger?: Logger;
  /** Where REQUIREMENTS are installed (default ~/.gearbox/requirements, or GEARBOX_REQUIREMENTS_DIR). */
  readonly requirementsDir?: string;
}

export interface ExecuteOptions {
  readonly unblocking?: boolean;
  /** npm specs to install before the source runs (RG.JSEXECUTE ... REQUIREMENTS). */
  readonly requirements?: readonly string[];
  /** Set by the cluster layer for an execution spread over shards (see src/cluster). */
  readonly distributed?: DistributedRun;
}

/** This shard's part in an execution that spans shards: one id everywhere, records moved by the job's exchange. */
export interface DistributedRun {
  readonly id: string;
  readonly job: JobDistribution;
  /**
   * Called once the local part is done: waits for the other shards and returns their errors, or
   * throws to end the execution as aborted.
   */
  readonly gather?: () => Promise<string[]>;
  /** Called once the execution has finished, however it ended. */
  readonly onFinished?: (execution: Execution) => void;
}

export type ExecuteOutcome =
  | { readonly kind: 'results'; readonly results: unknown[]; readonly errors: string[] }
  | { readonly kind: 'id'; readonly id: string };

// Same parameter list as the worker compiles with, so a source that declares a name the runtime
// provides fails here exactly as it would there.
const GLOBAL_NAMES = Object.keys(
  createRuntime({
    redis: { call: async () => null },
    transactions: { call: async () => null, execTransaction: async () => [] },
    lowestSlot: () => 0,
    config: () => ({}),
    log: () => undefined,
    onClose: () => undefined,
  }),
);

/**
 * The engine of one shard: takes gear function sources, runs them on worker threads against the
 * shard's Redis, and keeps the executions list. The gears server and embedded mode both drive it.
 */
export class Engine {
  readonly config: GearsConfig;
  readonly executions: Executions;
  readonly requirements: Requirements;
  private readonly log: Logger;
  private readonly redis: Redis;
  private identity: ShardIdentity = { shardId: STANDALONE_SHARD_ID, clusterMode: false };
  private pool!: WorkerPool;
  private sequence = 0;
  private readonly abortReasons = new Map<string, string>();
  private peakHeap = 0;

  private constructor(private readonly options: EngineOptions) {
    this.config = new GearsConfig(options.config);
    this.executions = new Executions(() => this.config.get('MaxExecutions'));
    this.requirements = new Requirements(options.requirementsDir);
    this.config.onChange((name) => name === 'MaxExecutions' && this.executions.trim());
    this.log = options.logger ?? childLogger('engine');
    this.redis = new Redis(options.redisUrl, {
      maxRetriesPerRequest: 1,
      connectionName: 'gearbox-engine',
      lazyConnect: true,
    });
    this.redis.on('error', (err) => this.log.debug({ err: err.message }, 'redis connection error'));
  }

  /** Connects to Redis and starts the execution threads. A Redis that is down is waited for, not fatal. */
  static async start(options: EngineOptions): Promise<Engine> {
    const engine = new Engine(options);
    try {
      await engine.redis.connect();
      engine.identity = await readIdentity(engine.redis);
    } catch (err) {
      engine.log.warn({ err: (err as Error).message }, `cannot reach Redis at ${options.redisUrl} yet; will retry`);
      engine.redis.once('ready', () => void engine.refreshIdentity());
    }
    engine.startPool();
    return engine;
  }

  get shardId(): string {
    return this.identity.shardId;
  }

  get clusterMode(): boolean {
    return this.identity.clusterMode;
  }

  /** RG.JSEXECUTE: runs a source; blocking callers get results and errors, UNBLOCKING ones an execution id. */
  async execute(source: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    this.check(source);
    if (options.requirements?.length) await this.requirements.install(options.requirements);
    const distributed = options.distributed;
    const execution = new Execution(distributed?.id ?? this.nextExecutionId(), options.unblocking === true);
    let sourceError: string | undefined;
    this.executions.add(execution);
    const complete = (report: RunReport) => {
      if (!distributed?.gather) return execution.complete(report);
      distributed.gather().then(
        (errors) => execution.complete({ ...report, errors: [...report.errors, ...errors] }),
        (err: Error) => execution.abort(err.message),
      );
    };
    this.pool.submit(
      {
        type: 'run',
        executionId: execution.id,
        source,
        config: this.config.snapshot(),
        distribution: distributed?.job,
      },
      {
        onMessage: (message) => {
          if (message.type === 'started') execution.start(message.steps);
          else if (message.type === 'progress') execution.recordsRead = message.recordsRead;
          else if (message.type === 'done') complete(message.report);
          else if (message.type === 'aborted') execution.abort(message.message);
          else if (message.type === 'failed') {
            sourceError = message.message;
            execution.fail(message.message);
          }
        },
        onLost: (reason) =>
          reason === 'aborted' ? execution.abort(this.abortReasons.get(execution.id)) : execution.fail(reason),
      },
    );
    void execution.whenFinished().then(() => {
      this.abortReasons.delete(execution.id);
      distributed?.onFinished?.(execution);
    });
    if (options.unblocking) return { kind: 'id', id: execution.id };
    await execution.whenFinished();
    this.executions.delete(execution.id);
    if (sourceError !== undefined) throw new GearsError(sourceError);
    return { kind: 'results', results: execution.results, errors: execution.errors };
  }

  /**
   * Embedded mode's way to run a GearFunction built in the application (an immutable function or a
   * GB builder): it travels as source, as it would to a gears server, so a callback capturing an
   * outer variable is refused here too. An open function is closed with a plain run().
   */
  async run(
    fn: ClosedGearFunction<any> | OpenGearFunction<any> | GearsBuilder<any>,
    options: ExecuteOptions = {},
  ): Promise<ExecuteOutcome> {
    const open = fn instanceof GearsBuilder ? fn.gearfunction : fn;
    const closed = open instanceof OpenGearFunction ? open.run() : open;
    if (!(closed instanceof ClosedGearFunction)) throw new GearsError('Engine.run takes a GearFunction object');
    return this.execute(toSource(closed), options);
  }

  /** Refuses a source that does not parse, or a Redis that is not there, before anything runs. */
  check(source: string): void {
    try {
      compileSource(source, GLOBAL_NAMES);
    } catch (err) {
      throw new GearsError((err as Error).message);
    }
    this.assertRedis();
  }

  /** The execution, or a GearsError worded as RedisGears words it. */
  find(id: string, missing = 'execution plan does not exist'): Execution {
    const execution = this.executions.get(id);
    if (!execution) throw new GearsError(missing);
    return execution;
  }

  results(id: string): Execution {
    const execution = this.find(id);
    if (!execution.finished) throw new GearsError('execution is still running');
    return execution;
  }

  async resultsBlocking(id: string, signal?: AbortSignal): Promise<Execution> {
    const execution = this.find(id);
    if (!execution.finished) {
      await new Promise<void>((resolve, reject) => {
        const onAbort = () => reject(new GearsError('the client went away'));
        signal?.addEventListener('abort', onAbort, { once: true });
        void execution.whenFinished().then(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
      });
    }
    return execution;
  }

  /** A fresh execution id: this shard's id and a sequence number, as RedisGears names them. */
  nextExecutionId(): string {
    return `${this.shardId}-${this.sequence++}`;
  }

  /** Stops a running execution; `reason` becomes its error (default: RedisGears' wording). */
  abort(id: string, reason?: string): void {
    const execution = this.find(id, 'execution does not exist');
    if (execution.finished)
      throw new GearsError(`execution ${id} has already finished (${execution.status}); nothing to abort`);
    if (reason !== undefined) this.abortReasons.set(id, reason);
    if (!this.pool.abort(id)) execution.abort(reason);
  }

  drop(id: string): void {
    const execution = this.find(id);
    if (!execution.finished) throw new GearsError('can not drop a not yet finished execution, abort it first.');
    this.executions.delete(id);
  }

  /** Memory of the JavaScript runtime, in RG.PYSTATS' terms. */
  stats(): { TotalAllocated: number; PeakAllocated: number; CurrAllocated: number } {
    const heap = getHeapStatistics();
    this.peakHeap = Math.max(this.peakHeap, heap.used_heap_size);
    return { TotalAllocated: heap.total_heap_size, PeakAllocated: this.peakHeap, CurrAllocated: heap.used_heap_size };
  }

  async close(): Promise<void> {
    await this.pool.close();
    this.redis.disconnect();
  }

  private startPool(): void {
    this.pool = new WorkerPool(
      this.config.get('ExecutionThreads'),
      {
        redisUrl: this.options.redisUrl,
        shardId: this.shardId,
        lowestSlot: 0,
        clusterMode: this.clusterMode,
        requirementsDir: this.requirements.dir,
      },
      (message: FromWorker & { type: 'log' }) =>
        this.log[message.level]({ execution: message.executionId }, message.message),
    );
  }

  private async refreshIdentity(): Promise<void> {
    try {
      const identity = await readIdentity(this.redis);
      if (identity.shardId === this.identity.shardId) return;
      this.identity = identity;
      await this.pool.close();
      this.startPool();
    } catch (err) {
      this.log.warn({ err: (err as Error).message }, 'cannot read the shard identity');
    }
  }

  private assertRedis(): void {
    if (this.redis.status !== 'ready')
      throw new GearsError(
        `cannot reach Redis at ${this.options.redisUrl} (${this.redis.status}): start Redis or check --redis`,
      );
  }
}
