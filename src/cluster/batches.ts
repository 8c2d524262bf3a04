// RG.JSEXECUTE in a cluster: the source runs on every shard under one execution id. The shard that
// received the command sends every other shard a `run` message and collects their ends; a source
// that registers functions gets, on every shard, the ids the originator gave them (an `ids` message).
import { GearsError, type Engine, type ExecuteOptions, type ExecuteOutcome } from '../engine/index.js';
import type { Membership, Place } from './membership.js';
import type { Message, RunPlan } from './messages.js';
import type { Messenger } from './messaging.js';
import type { ClusterRegistrations } from './registrations.js';
import { Rendezvous } from './rendezvous.js';
import { standbyRefusal } from './role.js';
import type { Runs } from './runs.js';
import { describeShard, type Shard } from './topology.js';

/** How long a shard waits for the ids of what a source registered while the originator evaluates it. */
const IDS_WAIT_MS = 60_000;

export type BatchEngine = Pick<Engine, 'execute' | 'check' | 'nextExecutionId'>;

/** Where this server stands, and whether every shard can take part. */
export type BatchPlace = Pick<Place, 'topology' | 'myId'> & Pick<Membership, 'served' | 'standingBy'>;

export class BatchExecutions {
  private readonly agreedIds = new Rendezvous<readonly string[]>();

  constructor(
    private readonly engine: BatchEngine,
    private readonly place: BatchPlace,
    private readonly runs: Runs,
    private readonly messenger: Messenger,
    /** Takes registrations back from every shard: those of a source that did not register everywhere. */
    private readonly registrations: () => Pick<ClusterRegistrations, 'withdraw'>,
  ) {}

  /** RG.JSEXECUTE: in a cluster the source runs on every shard under one execution id. */
  async execute(source: string, options: ExecuteOptions = {}): Promise<ExecuteOutcome> {
    if (this.place.standingBy) throw new GearsError(standbyRefusal(this.place.standingBy));
    if (!this.place.topology) return this.engine.execute(source, options);
    await this.engine.check(source, options);
    const { topology, runIds } = await this.place.served();
    const {
      plan,
      peers,
      tracker,
      end: ended,
    } = this.runs.track(topology, runIds, (id, reason) => this.runs.abortLocal(id, reason));
    try {
      const { requirements, session, upgrade } = options;
      const message: Message = { type: 'run', from: this.place.myId, plan, source, requirements, session, upgrade };
      await Promise.all(peers.map((peer) => this.messenger.send(peer, message)));
      const outcome = await this.engine.execute(source, {
        ...options,
        distributed: {
          id: plan.id,
          job: this.runs.jobFor(plan),
          gather: () => tracker.wait(),
          registrationIds: (count) => this.giveIds(plan, peers, count),
          onFinished: (execution) => {
            // a source that only registers ends here at once while the others still install it: only a
            // failure here stops them
            if (execution.status === 'aborted' || execution.failed)
              ended(execution.errors.at(-1) ?? 'the originating shard ended the execution');
            else if (tracker.pending.length === 0) this.runs.forget(plan.id, tracker);
          },
        },
      });
      if (outcome.kind === 'registered') {
        // registered here: reply once every shard has its registrations too, or take them back everywhere
        await tracker
          .wait()
          .catch(async (err: Error) => {
            await this.registrations().withdraw(outcome.ids);
            throw new GearsError(
              `${err.message}; the registrations were removed again from the shards that had installed them`,
            );
          })
          .finally(() => this.runs.forget(plan.id, tracker));
      }
      return outcome;
    } catch (err) {
      ended((err as Error).message);
      throw err instanceof GearsError ? err : new GearsError((err as Error).message);
    }
  }

  /**
   * This shard's part of an execution another shard started; its end is reported back there. After a
   * resharding this shard's inbox (found under `tag`) may be another shard's former one, which moved
   * here with its slot: a run it holds for this shard under another tag was meant for someone else, long ago.
   */
  async runForPeer(message: Extract<Message, { type: 'run' }>, tag: string): Promise<void> {
    const { plan } = message;
    const mine = plan.shards.find((s) => s.id === this.place.myId);
    if (mine && mine.tag !== tag) return;
    if (!mine)
      return this.runs.reporter(plan)('failed', [`shard ${this.place.myId} is not a primary of the cluster any more`]);
    const report = this.runs.takePart(plan);
    try {
      await this.engine.execute(message.source, {
        unblocking: true,
        requirements: message.requirements,
        session: message.session,
        upgrade: message.upgrade,
        distributed: {
          id: plan.id,
          job: this.runs.jobFor(plan),
          onFinished: (execution) => void report(execution.failed ? 'failed' : execution.status, execution.errors),
          registrationIds: (count) => this.takeIds(plan, count),
        },
      });
    } catch (err) {
      await report('failed', [(err as Error).message]);
    }
  }

  /** The originator named what a source registered (`ids`). */
  idsGiven(message: Extract<Message, { type: 'ids' }>): void {
    this.agreedIds.give(message.id, message.ids);
  }

  /** The originator ended execution `id`: the ids it would have named never come. */
  aborted(id: string, reason: string): void {
    this.agreedIds.fail(id, reason);
  }

  /** The originator names what the source registered, here and on every other shard. */
  private async giveIds(plan: RunPlan, peers: readonly Shard[], count: number): Promise<readonly string[]> {
    const ids = Array.from({ length: count }, () => this.engine.nextExecutionId());
    await Promise.all(
      peers.map((peer) => this.messenger.post(peer, { type: 'ids', from: this.place.myId, id: plan.id, ids })),
    );
    return ids;
  }

  private async takeIds(plan: RunPlan, count: number): Promise<readonly string[]> {
    const origin = plan.shards.find((s) => s.id === plan.originator)!;
    const ids = await this.agreedIds.take(
      plan.id,
      IDS_WAIT_MS,
      `${describeShard(origin)} sent no ids for the registrations within ${IDS_WAIT_MS} ms`,
    );
    if (ids.length !== count)
      throw new GearsError(
        `the source registered ${count} functions here but ${ids.length} on ${describeShard(origin)}: a source must register the same functions on every shard`,
      );
    return ids;
  }
}
