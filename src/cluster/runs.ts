// What every execution spanning the shards needs, whether RG.JSEXECUTE (src/cluster/batches.ts) or
// an event (src/cluster/events.ts) began it: on the originator, the plan and the tracker of the other
// shards' parts; on every shard, the job that moves records between shards, the report of its part's
// end, and stopping its part when the originator ends the execution.
import type { Engine, JobDistribution } from '../engine/index.js';
import type { ExchangeSetup } from './exchange.js';
import type { Place } from './membership.js';
import type { Message, RunPlan } from './messages.js';
import type { Messenger } from './messaging.js';
import { PeerTracker } from './tracker.js';
import { lowestSlot, type Shard, type Topology } from './topology.js';

const EXCHANGE_MODULE = new URL('./exchange.js', import.meta.url).href;

type Status = Extract<Message, { type: 'done' }>['status'];

export type RunEngine = Pick<Engine, 'nextExecutionId' | 'config' | 'executions' | 'abort' | 'registrations'>;

/** An execution this shard began, watching the other shards' parts. */
export interface Tracked {
  readonly plan: RunPlan;
  readonly peers: Shard[];
  readonly tracker: PeerTracker;
  /** Stops watching and tells the shards still at it to stop. */
  readonly end: (reason: string) => void;
}

export class Runs {
  private readonly trackers = new Map<string, PeerTracker>();

  constructor(
    private readonly engine: RunEngine,
    private readonly place: Pick<Place, 'myId' | 'cluster'>,
    private readonly messenger: Pick<Messenger, 'post'>,
    private readonly redisUrl: string,
  ) {}

  /** A new execution id and plan over `topology`, and the tracker that watches the other shards. */
  track(
    topology: Topology,
    runIds: ReadonlyMap<string, string | null>,
    onFailure: (id: string, reason: string) => void,
  ): Tracked {
    const plan: RunPlan = {
      id: this.engine.nextExecutionId(),
      originator: topology.myId,
      shards: topology.shards,
      runIds: Object.fromEntries(runIds) as Record<string, string>,
    };
    const peers = plan.shards.filter((s) => s.id !== plan.originator);
    const idle = this.engine.config.get('ExecutionMaxIdleTime');
    const tracker = new PeerTracker(peers, plan.runIds, this.place.cluster!, idle, (reason) =>
      onFailure(plan.id, reason),
    );
    this.trackers.set(plan.id, tracker);
    const end = (reason: string) => {
      const pending = tracker.pending;
      this.forget(plan.id, tracker);
      for (const peer of pending)
        void this.messenger.post(peer, { type: 'abort', from: this.place.myId, id: plan.id, reason });
    };
    return { plan, peers, tracker, end };
  }

  forget(id: string, tracker: PeerTracker): void {
    this.trackers.delete(id);
    tracker.end();
  }

  /** Another shard took up its part of an execution begun here. */
  accepted(message: Extract<Message, { type: 'accepted' }>): void {
    this.trackers.get(message.id)?.accept(message.from);
  }

  /** Another shard's part of an execution begun here ended. */
  done(message: Extract<Message, { type: 'done' }>): void {
    this.trackers.get(message.id)?.report(message);
  }

  /** How this shard's part of `plan` moves records to and from the other shards. */
  jobFor(plan: RunPlan): JobDistribution {
    const me = plan.shards.find((s) => s.id === this.place.myId)!;
    const setup: ExchangeSetup = {
      self: this.place.myId,
      originator: plan.originator,
      shards: plan.shards,
      runIds: plan.runIds,
      redisUrl: this.redisUrl,
      idleMs: this.engine.config.get('ExecutionMaxIdleTime'),
      retries: this.engine.config.get('SendMsgRetries'),
    };
    return { module: EXCHANGE_MODULE, setup, lowestSlot: lowestSlot(me) };
  }

  /**
   * Tells the originator of `plan` that this shard took up its part, and returns how this shard
   * tells it that its part ended.
   */
  takePart(plan: RunPlan): (status: Status, errors: readonly string[]) => Promise<void> {
    const report = this.reporter(plan);
    void this.messenger.post(this.origin(plan), { type: 'accepted', from: this.place.myId, id: plan.id });
    return report;
  }

  /** How this shard tells the originator of `plan` that its part ended. */
  reporter(plan: RunPlan): (status: Status, errors: readonly string[]) => Promise<void> {
    const origin = this.origin(plan);
    return (status, errors) =>
      this.messenger.post(origin, { type: 'done', from: this.place.myId, id: plan.id, status, errors });
  }

  /**
   * The originator ended execution `id` (`abort`): this shard's part stops, a batch one aborted, an
   * event's (which the engine keeps apart from its executions list) stopped.
   */
  stop(id: string, reason: string): void {
    if (this.engine.executions.get(id)) return this.abortLocal(id, reason);
    return this.engine.registrations.stopSpread(id);
  }

  abortLocal(id: string, reason: string): void {
    const execution = this.engine.executions.get(id);
    if (execution && !execution.finished) this.engine.abort(id, reason);
  }

  private origin(plan: RunPlan): Shard {
    return plan.shards.find((s) => s.id === plan.originator)!;
  }
}
