// The worker-thread side of moving records between shards (loaded by URL, see JobDistribution in
// src/engine/worker/protocol.ts). Each collect or repartition step of an execution is a stage; a
// shard sends a stage's records to another shard by appending v8-serialized batches to a stream
// under that shard's hash tag, so Redis Cluster stores them on the receiver, then appends an end
// marker. The receiver reads its stream until every sender's end marker arrived.
import { serialize, deserialize } from 'node:v8';
import calculateSlot from 'cluster-key-slot';
import type { Cluster, Redis } from 'ioredis';
import {
  ExecutionAbortedError,
  fold,
  type Batch,
  type ErrorSink,
  type Exchange,
  type Operator,
} from '../engine/index.js';
import { stageKey } from './keys.js';
import { clusterLink, localLink } from './links.js';
import { departedShard, stoppedAnswering } from './presence.js';
import { sendWithRetries } from './retry.js';
import { SlotMap, describeShard, type Shard } from './topology.js';

/** What every shard of an execution agrees on; travels in the job as plain data. */
export interface ExchangeSetup {
  readonly self: string;
  readonly originator: string;
  readonly shards: readonly Shard[];
  /** Each shard's gears server run id when the execution started. */
  readonly runIds: Readonly<Record<string, string>>;
  readonly redisUrl: string;
  /** ExecutionMaxIdleTime: how long a stage waits on a silent shard before checking it is still there. */
  readonly idleMs: number;
  /** SendMsgRetries: how many times a batch is sent in all before the execution is aborted (src/cluster/retry.ts). */
  readonly retries: number;
}

export interface ExchangeStats {
  recordsMoved: number;
  bytesMoved: number;
}

const FLUSH_RECORDS = 1000;
/** A stage stream outlives a receiver that died only this long. */
const STAGE_TTL_MS = 10 * 60_000;
const POLL_MS = 1000;
const KEPT_LOCAL_LINKS = 4;

// Connections per execution thread, reused by its jobs. A blocking XREAD holds its connection, and a
// thread may run several exchanges at once (its part in other shards' event executions, beside its
// own job), so each receive takes a local connection no other receive is using.
let links: { url: string; idle: Redis[]; cluster: Cluster } | undefined;

function linksFor(setup: ExchangeSetup): { idle: Redis[]; cluster: Cluster } {
  if (links?.url !== setup.redisUrl) {
    for (const local of links?.idle ?? []) local.disconnect();
    links?.cluster.disconnect();
    links = {
      url: setup.redisUrl,
      idle: [],
      cluster: clusterLink(setup.redisUrl, setup.shards, 'gearbox-exchange'),
    };
  }
  return links;
}

/** Runs `use` with a local connection of its own, kept for later receives (at most a few stay open). */
async function withLocal<T>(setup: ExchangeSetup, use: (local: Redis) => Promise<T>): Promise<T> {
  const { idle } = linksFor(setup);
  const local = idle.pop() ?? localLink(setup.redisUrl, 'gearbox-exchange');
  try {
    return await use(local);
  } finally {
    if (idle.length < KEPT_LOCAL_LINKS) idle.push(local);
    else local.disconnect();
  }
}

export function createExchange(setup: ExchangeSetup, executionId: string): Exchange & { stats(): ExchangeStats } {
  return new StreamExchange(setup, executionId);
}

/**
 * The entries of a one-stream XREAD reply: RESP2 gives [[key, entries]], RESP3 a map, which
 * ioredis' raw call() hands over flattened as [key, entries].
 */
function streamEntries(reply: unknown[]): Array<[Buffer, Buffer[]]> {
  const entries = Array.isArray(reply[0]) ? reply[0][1] : reply[1];
  return entries as Array<[Buffer, Buffer[]]>;
}

/** The text a group or partition key is hashed by: strings as they are, anything else as JSON. */
function keyText(key: unknown): string {
  return typeof key === 'string' ? key : (JSON.stringify(key) ?? String(key));
}

class StreamExchange implements Exchange {
  private stages = 0;
  private readonly slots: SlotMap;
  private readonly byId: Map<string, Shard>;
  private readonly cluster: Cluster;
  readonly moved: ExchangeStats = { recordsMoved: 0, bytesMoved: 0 };

  constructor(
    readonly setup: ExchangeSetup,
    readonly executionId: string,
  ) {
    this.slots = new SlotMap(setup.shards);
    this.byId = new Map(setup.shards.map((s) => [s.id, s]));
    this.cluster = linksFor(setup).cluster;
  }

  collect(from: string): Operator {
    const { self, originator } = this.setup;
    const senders = self === originator ? this.others() : [];
    return new Stage(this, this.stages++, from, () => originator, [originator], senders);
  }

  repartition(extractor: (r: unknown) => unknown, errors: ErrorSink, from: string): Operator {
    const route = (key: unknown): string => {
      const owner = this.slots.owner(calculateSlot(keyText(key)));
      if (!owner) throw new ExecutionAbortedError(`${from}: no primary serves the slot of key ${keyText(key)}`);
      return owner.id;
    };
    const all = this.setup.shards.map((s) => s.id);
    return new Stage(this, this.stages++, from, route, all, this.others(), extractor, errors);
  }

  stats(): ExchangeStats {
    return this.moved;
  }

  shard(id: string): Shard {
    return this.byId.get(id)!;
  }

  /** Appends fields to a stage stream on `target`, sending up to SendMsgRetries times in all. */
  async send(target: Shard, stage: number, fields: Array<string | Buffer>): Promise<void> {
    const key = stageKey(target.tag, this.executionId, stage);
    await sendWithRetries(
      { retries: this.setup.retries, idleMs: this.setup.idleMs },
      async () => {
        const replies = await this.cluster
          .pipeline()
          .xadd(key, '*', ...fields)
          .pexpire(key, STAGE_TTL_MS)
          .exec();
        const failed = replies?.find(([err]) => err);
        if (failed) throw failed[0];
      },
      (tries, last) =>
        new ExecutionAbortedError(`could not move records to ${describeShard(target)} after ${tries}: ${last.message}`),
    );
  }

  /** Reads this shard's stream of `stage` until every sender has said it is done; returns their records. */
  receive(stage: number, senders: readonly string[]): Promise<Batch> {
    return withLocal(this.setup, (local) => this.receiveOn(local, stage, senders));
  }

  private async receiveOn(local: Redis, stage: number, senders: readonly string[]): Promise<Batch> {
    const key = stageKey(this.shard(this.setup.self).tag, this.executionId, stage);
    const pending = new Set(senders);
    const out: Batch = [];
    const idle = Math.max(this.setup.idleMs, 1);
    let last = '0-0';
    let heard = Date.now();
    while (pending.size > 0) {
      const reply = (await local.callBuffer(
        'XREAD',
        'COUNT',
        '100',
        'BLOCK',
        String(Math.min(idle, POLL_MS)),
        'STREAMS',
        key,
        last,
      )) as unknown[] | null;
      if (!reply) {
        if (Date.now() - heard >= idle) {
          await this.checkAlive(pending);
          heard = Date.now();
        }
        continue;
      }
      heard = Date.now();
      for (const [id, fields] of streamEntries(reply)) {
        last = id.toString();
        // fields: s <sender> k <data|end> [d <records>]
        const sender = fields[1].toString();
        if (fields[3].toString() === 'end') pending.delete(sender);
        else for (const record of deserialize(fields[5]) as Batch) out.push(record);
      }
    }
    await local.del(key);
    return out;
  }

  /** A silent shard whose gears server is gone or was restarted will never send: abort, naming it. */
  private async checkAlive(pending: ReadonlySet<string>): Promise<void> {
    const shards = [...pending].map((id) => this.shard(id));
    const gone = await departedShard(this.cluster, shards, this.setup.runIds);
    if (gone) throw new ExecutionAbortedError(stoppedAnswering(gone, this.setup.idleMs));
  }

  private others(): string[] {
    return this.setup.shards.map((s) => s.id).filter((id) => id !== this.setup.self);
  }
}

/** One collect or repartition step: keeps what stays here, ships the rest, and at the end takes in what others shipped. */
class Stage implements Operator {
  private readonly buffers = new Map<string, Batch>();

  constructor(
    private readonly exchange: StreamExchange,
    private readonly stage: number,
    private readonly from: string,
    private readonly route: (key: unknown) => string,
    private readonly receivers: readonly string[],
    private readonly senders: readonly string[],
    private readonly extractor?: (r: unknown) => unknown,
    private readonly errors?: ErrorSink,
  ) {}

  push(batch: Batch): Batch | Promise<Batch> {
    const self = this.exchange.setup.self;
    const here: Batch = [];
    const place = (key: unknown, record: unknown) => {
      const target = this.route(key);
      if (target === self) return here.push(record);
      const buffer = this.buffers.get(target);
      if (buffer) buffer.push(record);
      else this.buffers.set(target, [record]);
    };
    const placed = this.extractor
      ? fold(batch, this.extractor, place, this.errors!)
      : batch.forEach((r) => place(undefined, r));
    const flushFull = async () => {
      for (const [target, buffer] of this.buffers) if (buffer.length >= FLUSH_RECORDS) await this.flush(target);
      return here;
    };
    if (placed) return placed.then(flushFull);
    for (const buffer of this.buffers.values()) if (buffer.length >= FLUSH_RECORDS) return flushFull();
    return here;
  }

  async finish(): Promise<Batch> {
    const { self } = this.exchange.setup;
    try {
      for (const target of this.buffers.keys()) await this.flush(target);
    } finally {
      // even when a batch could not be sent (a record that does not serialize), the receivers are told this
      // shard is done: otherwise they wait on a live shard that will never send, and the execution hangs
      await Promise.all(
        this.receivers
          .filter((id) => id !== self)
          .map((id) => this.exchange.send(this.exchange.shard(id), this.stage, ['s', self, 'k', 'end'])),
      );
    }
    if (!this.receivers.includes(self) || this.senders.length === 0) return [];
    return this.exchange.receive(this.stage, this.senders);
  }

  private async flush(target: string): Promise<void> {
    const records = this.buffers.get(target);
    if (!records?.length) return;
    this.buffers.set(target, []);
    const data = this.serialize(records);
    this.exchange.moved.recordsMoved += records.length;
    this.exchange.moved.bytesMoved += data.length;
    await this.exchange.send(this.exchange.shard(target), this.stage, [
      's',
      this.exchange.setup.self,
      'k',
      'data',
      'd',
      data,
    ]);
  }

  private serialize(records: Batch): Buffer {
    try {
      return serialize(records);
    } catch (err) {
      const bad = records.find((r) => {
        try {
          serialize(r);
          return false;
        } catch {
          return true;
        }
      });
      const type = typeof bad === 'object' && bad !== null ? (bad.constructor?.name ?? 'object') : typeof bad;
      throw new ExecutionAbortedError(
        `${this.from}: a record of type ${type} cannot move between shards (${(err as Error).message}); records must be plain data`,
      );
    }
  }
}
