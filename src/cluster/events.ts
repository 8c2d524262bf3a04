// Events spread over the shards: one execution of a `mode: 'async'` registration whose steps move
// records, begun here by an event (the engine's EventDistributor, set by src/cluster/gears-cluster.ts).
// Every other shard takes part (an `event` message) with the records the steps move to it.
import { GearsError, type Engine, type SpreadEvent } from '../engine/index.js';
import type { Place } from './membership.js';
import type { Message } from './messages.js';
import type { Messenger } from './messaging.js';
import { liveRunIds } from './presence.js';
import type { Runs } from './runs.js';
import { describeShard } from './topology.js';

export type EventEngine = Pick<Engine, 'registrations'>;

export class SpreadEvents {
  constructor(
    private readonly engine: EventEngine,
    private readonly place: Pick<Place, 'topology' | 'myId' | 'cluster'>,
    private readonly runs: Runs,
    private readonly messenger: Pick<Messenger, 'send'>,
  ) {}

  /** Begins the execution of `registration` that an event here started, on every shard. */
  async beginEvent(registration: string): Promise<SpreadEvent> {
    const topology = this.place.topology!;
    const runIds = await liveRunIds(this.place.cluster!, topology.shards);
    const missing = topology.shards.find((s) => !runIds.get(s.id));
    if (missing)
      throw new GearsError(`${describeShard(missing)} has no gears server, so the execution cannot span the cluster`);
    // a shard that failed or went away will never send this shard's part what it waits for: it stops
    // (its thread with it), and gather() names the shard
    const { plan, peers, tracker, end } = this.runs.track(topology, runIds, (id) =>
      this.engine.registrations.stopSpread(id),
    );
    try {
      await Promise.all(
        peers.map((peer) => this.messenger.send(peer, { type: 'event', from: this.place.myId, plan, registration })),
      );
    } catch (err) {
      end((err as Error).message);
      throw err;
    }
    return {
      id: plan.id,
      job: this.runs.jobFor(plan),
      gather: () => tracker.wait().finally(() => this.runs.forget(plan.id, tracker)),
      end,
    };
  }

  /** This shard's part of an event's execution another shard began; its end is reported back there. */
  async eventForPeer(message: Extract<Message, { type: 'event' }>): Promise<void> {
    const { plan } = message;
    const report = this.runs.takePart(plan);
    try {
      await report(
        'done',
        await this.engine.registrations.participate(message.registration, plan.id, this.runs.jobFor(plan)),
      );
    } catch (err) {
      await report('failed', [(err as Error).message]);
    }
  }
}
