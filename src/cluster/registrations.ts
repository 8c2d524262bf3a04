// Registrations across a cluster. A registering source runs on every shard like any execution
// (src/cluster/batches.ts) and every shard installs its functions under the ids the
// originator gave them, so one id names a registration on the whole cluster. Here: the commands
// that change registrations act on every shard, RG.DUMPREGISTRATIONS CLUSTER adds up the counters,
// and a gears server that joins installs the registrations the other shards store.
import type { Cluster } from 'ioredis';
import { GearsError, parseSessions, sessionsKey, type Engine, type StoredSession } from '../engine/index.js';
import type { Logger } from '../log/logger.js';
import type { Query, RegistryOp, RegistryOutcome, ShardRegistration } from './messages.js';
import { describeShard, type Shard } from './topology.js';

/** What this needs of the cluster layer. */
export interface RegistrationPeers {
  /** The other primaries, each with a live gears server, or a GearsError naming one that has none. */
  servedPeers(): Promise<Shard[]>;
  /** The other primaries as last read, served or not. */
  peers(): Shard[];
  ask<T>(peer: Shard, query: Query): Promise<T | null>;
  readonly redis: Cluster;
}

export class ClusterRegistrations {
  constructor(
    private readonly engine: Engine,
    private readonly cluster: RegistrationPeers,
    private readonly log: Logger,
  ) {}

  /**
   * RG.UNREGISTER, RG.PAUSEREGISTRATIONS, RG.UNPAUSEREGISTRATIONS on every shard: here first (an
   * unknown id changes nothing anywhere), then on the others; a shard without a gears server
   * refuses the command before anything changes.
   */
  async everywhere(op: RegistryOp, ids: readonly string[]): Promise<void> {
    const peers = await this.cluster.servedPeers();
    this.apply(op, ids);
    const outcomes = await Promise.all(
      peers.map((peer) => this.cluster.ask<RegistryOutcome>(peer, { kind: 'registry', op, ids })),
    );
    const failed = peers.flatMap((peer, i) => {
      const outcome = outcomes[i];
      if (outcome === null) return [`${describeShard(peer)} did not answer`];
      return outcome.error === null ? [] : [`${describeShard(peer)}: ${outcome.error}`];
    });
    if (failed.length)
      throw new GearsError(
        `done on this shard but not on every other: ${failed.join('; ')} (send the command again once they answer)`,
      );
  }

  /** Unregisters `ids` wherever they are installed (a registration some shard refused), as far as shards answer. */
  async withdraw(ids: readonly string[]): Promise<void> {
    for (const id of ids) this.answerRegistry('unregister', [id]);
    const peers = this.cluster.peers();
    await Promise.all(
      peers.flatMap((peer) =>
        ids.map((id) => this.cluster.ask(peer, { kind: 'registry', op: 'unregister', ids: [id] })),
      ),
    );
  }

  /** Another shard's RG.UNREGISTER/PAUSE/UNPAUSE, carried out here. */
  answerRegistry(op: RegistryOp, ids: readonly string[]): RegistryOutcome {
    try {
      this.apply(op, ids);
      return { error: null };
    } catch (err) {
      return { error: (err as Error).message };
    }
  }

  /** Each registration's counters on this shard, for another shard's RG.DUMPREGISTRATIONS CLUSTER. */
  local(): ShardRegistration[] {
    return this.engine.registrations.registry.all().map((reg) => ({ id: reg.id, stats: { ...reg.stats } }));
  }

  /** Every other shard's counters by registration id (shards that do not answer are left out). */
  async theirs(): Promise<Map<string, ShardRegistration['stats'][]>> {
    const answers = await Promise.all(
      this.cluster.peers().map((peer) => this.cluster.ask<ShardRegistration[]>(peer, { kind: 'registrations' })),
    );
    const byId = new Map<string, ShardRegistration['stats'][]>();
    for (const { id, stats } of answers.flatMap((a) => a ?? [])) byId.set(id, [...(byId.get(id) ?? []), stats]);
    return byId;
  }

  /**
   * Installs what the other shards store and this one lacks, under the same ids: a shard that joins
   * the cluster, or one whose stored registrations are gone, ends up with the cluster's registrations.
   */
  async adopt(): Promise<void> {
    const stored = new Map<string, StoredSession>();
    for (const peer of this.cluster.peers()) {
      try {
        const all = await this.cluster.redis.hgetall(sessionsKey(`{${peer.tag}}`));
        for (const session of parseSessions(all, this.log))
          if (!stored.has(session.name)) stored.set(session.name, session);
      } catch (err) {
        this.log.debug({ err: (err as Error).message }, `cannot read the registrations ${describeShard(peer)} stores`);
      }
    }
    const adopted = await this.engine.registrations.adopt([...stored.values()]);
    if (adopted.length) this.log.info({ sessions: adopted }, "installed the cluster's registrations on this shard");
  }

  private apply(op: RegistryOp, ids: readonly string[]): void {
    const registrations = this.engine.registrations;
    if (op === 'unregister') for (const id of ids) registrations.unregister(id);
    else registrations.setPaused(ids, op === 'pause');
  }
}
