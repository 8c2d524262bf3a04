// Questions between gears servers (Query, src/cluster/messages.ts): what this server answers its
// peers, and the CLUSTER views of executions it builds from their answers. A new kind of question
// changes both sides here; how a question travels and waits is src/cluster/requests.ts.
import type { Engine, ExecutionSummary } from '../engine/index.js';
import type { Place } from './membership.js';
import type { ListedExecution, Message, Query, ShardRegistration, TriggerAnswer } from './messages.js';
import type { Messenger } from './messaging.js';
import type { ClusterRegistrations } from './registrations.js';
import type { PeerRequests } from './requests.js';

export interface ShardExecution {
  readonly shardId: string;
  readonly summary: ExecutionSummary;
}

export type QueryEngine = Pick<Engine, 'registrations' | 'executions' | 'find' | 'shardId'>;

export class PeerQueries {
  constructor(
    private readonly engine: QueryEngine,
    private readonly place: Pick<Place, 'topology' | 'myId' | 'peers'>,
    private readonly requests: Pick<PeerRequests, 'ask'>,
    private readonly messenger: Pick<Messenger, 'post'>,
    /** This shard's side of the cluster's registrations; undefined until the cluster is found. */
    private readonly registrations: () => Pick<ClusterRegistrations, 'local' | 'answerRegistry'> | undefined,
  ) {}

  /** Answers a peer's question (`ask`) with an `answer` message. */
  async reply(message: Extract<Message, { type: 'ask' }>): Promise<void> {
    const answer = await this.answer(message.query);
    const to = this.place.topology?.shards.find((s) => s.id === message.from);
    if (to) await this.messenger.post(to, { type: 'answer', from: this.place.myId, request: message.request, answer });
  }

  private async answer(query: Query): Promise<unknown> {
    switch (query.kind) {
      case 'trigger':
        return this.engine.registrations.trigger(query.name, query.args).then(
          (outcome): TriggerAnswer => outcome,
          (err: Error): TriggerAnswer => ({ error: err.message }),
        );
      case 'execution':
        return this.engine.executions.get(query.id)?.summary() ?? null;
      case 'executions':
        return this.engine.executions
          .list()
          .map((e): ListedExecution => ({ id: e.id, status: e.status, registered: e.registered }));
      case 'registrations':
        return this.registrations()?.local() ?? ([] satisfies ShardRegistration[]);
      case 'registry':
        return this.registrations()?.answerRegistry(query.op, query.ids) ?? { error: 'not in a cluster yet' };
    }
  }

  /** RG.DUMPEXECUTIONS CLUSTER: the executions of every other shard (those that answer). */
  async peerExecutions(): Promise<ListedExecution[][]> {
    const answers = await Promise.all(
      this.place.peers().map((peer) => this.requests.ask<ListedExecution[]>(peer, { kind: 'executions' })),
    );
    return answers.map((a) => a ?? []);
  }

  /** RG.GETEXECUTION <id> CLUSTER: every shard's view of the execution (shards that do not know it are left out). */
  async describe(id: string): Promise<ShardExecution[]> {
    const local = this.engine.find(id);
    const mine: ShardExecution = { shardId: this.engine.shardId, summary: local.summary() };
    if (!this.place.topology) return [mine];
    const peers = this.place.peers();
    const theirs = await Promise.all(
      peers.map((peer) => this.requests.ask<ExecutionSummary>(peer, { kind: 'execution', id })),
    );
    return [
      mine,
      ...peers.flatMap((peer, i) => {
        const summary = theirs[i];
        return summary ? [{ shardId: peer.id, summary }] : [];
      }),
    ];
  }
}
