// The cluster as Redis Cluster sees it: which primaries serve which slots. gearbox keeps no
// membership of its own; it reads CLUSTER NODES (every Redis and Valkey with cluster support
// answers it, unlike CLUSTER SHARDS, which needs Redis 7) whenever it needs a fresh view.
import { tagForSlot } from '../runtime/index.js';

export const SLOTS = 16384;

/** One primary and the slots it serves; `id` is its Redis Cluster node id, RedisGears' shard id. */
export interface Shard {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly slots: ReadonlyArray<readonly [number, number]>;
  /** A hash tag mapping to this shard's lowest slot: its gearbox keys live under it. */
  readonly tag: string;
}

export interface Topology {
  readonly myId: string;
  /** Whether the node the gears server is attached to is a replica. */
  readonly myRole: 'primary' | 'replica';
  readonly shards: readonly Shard[];
}

export function lowestSlot(shard: Shard): number {
  return Math.min(...shard.slots.map(([from]) => from));
}

export function highestSlot(shard: Shard): number {
  return Math.max(...shard.slots.map(([, to]) => to));
}

export function shardAddress(shard: Pick<Shard, 'host' | 'port'>): string {
  return `${shard.host}:${shard.port}`;
}

/** "shard <id> (<host:port>)", the way errors name a shard. */
export function describeShard(shard: Pick<Shard, 'id' | 'host' | 'port'>): string {
  return `shard ${shard.id} (${shardAddress(shard)})`;
}

function parseAddress(field: string): { host: string; port: number } {
  const address = field.split(',')[0].split('@')[0];
  const colon = address.lastIndexOf(':');
  return { host: address.slice(0, colon), port: Number(address.slice(colon + 1)) };
}

function parseSlots(fields: readonly string[]): Array<[number, number]> {
  const ranges: Array<[number, number]> = [];
  for (const field of fields) {
    if (field.startsWith('[')) continue; // a slot being migrated or imported: still served by its owner
    const [from, to] = field.split('-').map(Number);
    ranges.push([from, to ?? from]);
  }
  return ranges;
}

/** Parses CLUSTER NODES: the primaries that serve slots, ordered by their lowest slot. */
export function parseClusterNodes(text: string): Topology {
  let myId = '';
  let myRole: Topology['myRole'] = 'primary';
  const shards: Shard[] = [];
  for (const line of text.split('\n')) {
    const fields = line.trim().split(' ');
    if (fields.length < 8) continue;
    const [id, address, flagText] = fields;
    const flags = flagText.split(',');
    if (flags.includes('myself')) {
      myId = id;
      myRole = flags.includes('slave') ? 'replica' : 'primary';
    }
    if (!flags.includes('master') || flags.includes('fail') || flags.includes('noaddr')) continue;
    const slots = parseSlots(fields.slice(8));
    if (slots.length === 0) continue;
    const { host, port } = parseAddress(address);
    const tag = tagForSlot(Math.min(...slots.map(([from]) => from)));
    shards.push({ id, host, port, slots, tag });
  }
  shards.sort((a, b) => lowestSlot(a) - lowestSlot(b));
  return { myId, myRole, shards };
}

/** Slot -> shard lookups for a topology; built once per execution. */
export class SlotMap {
  private readonly owners: Int16Array = new Int16Array(SLOTS).fill(-1);

  constructor(readonly shards: readonly Shard[]) {
    shards.forEach((shard, index) => {
      for (const [from, to] of shard.slots) this.owners.fill(index, from, to + 1);
    });
  }

  /** The shard serving `slot`; undefined while no primary serves it. */
  owner(slot: number): Shard | undefined {
    const index = this.owners[slot];
    return index < 0 ? undefined : this.shards[index];
  }
}
