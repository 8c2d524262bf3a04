// A private Redis Cluster for the demo, tests and benchmarks: three primaries on free loopback ports (and,
// if asked, replicas of them), nothing written to disk outside a temporary directory that stop() removes.
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { startRedis, type RedisProcess } from './processes.js';

const run = promisify(execFile);

export interface ClusterNode {
  readonly host: string;
  readonly port: number;
}

export interface RedisClusterProcess {
  readonly nodes: readonly ClusterNode[];
  /** The redis-server processes, in the order of `nodes`. */
  readonly processes: readonly RedisProcess[];
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** Number of primaries; Redis needs at least three for `--cluster create`. */
  readonly primaries?: number;
  /** Replicas per primary (default 0); `--cluster create` picks which node replicates which (CLUSTER NODES tells). */
  readonly replicas?: number;
  /** Extra redis-server arguments for every node. */
  readonly extraArgs?: readonly string[];
  readonly timeoutMs?: number;
}

export async function startCluster(options: ClusterOptions = {}): Promise<RedisClusterProcess> {
  const replicas = options.replicas ?? 0;
  const count = (options.primaries ?? 3) * (1 + replicas);
  const dir = await mkdtemp(join(process.env.TMPDIR ?? tmpdir(), 'gearbox-cluster-'));
  const processes: RedisProcess[] = [];
  const stop = async (): Promise<void> => {
    await Promise.all(processes.map((p) => p.stop()));
    await rm(dir, { recursive: true, force: true });
  };
  try {
    for (let i = 0; i < count; i++) {
      processes.push(
        await startRedis([
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          join(dir, `nodes-${i}.conf`),
          '--cluster-node-timeout',
          '5000',
          '--dir',
          dir,
          ...(options.extraArgs ?? []),
        ]),
      );
    }
    const nodes = processes.map((p) => ({ host: '127.0.0.1', port: p.port }));
    await run('redis-cli', [
      '--cluster',
      'create',
      ...nodes.map((n) => `${n.host}:${n.port}`),
      '--cluster-replicas',
      String(replicas),
      '--cluster-yes',
    ]);
    await waitForClusterOk(nodes, options.timeoutMs ?? 20_000);
    if (replicas > 0) await waitForReplicasInSync(nodes, options.timeoutMs ?? 20_000);
    return { nodes, processes, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until every node says cluster_state:ok and knows all the others. */
export async function waitForClusterOk(nodes: readonly ClusterNode[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(nodes.map((n) => clusterInfo(n)));
    if (states.every((info) => /cluster_state:ok/.test(info) && info.includes(`cluster_known_nodes:${nodes.length}`)))
      return;
    if (Date.now() > deadline) throw new Error(`the cluster did not reach cluster_state:ok in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Waits until every replica among `nodes` has its primary's data (a CLUSTER FAILOVER needs that). */
export async function waitForReplicasInSync(nodes: readonly ClusterNode[], timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const states = await Promise.all(nodes.map((n) => redisCli(n, 'INFO', 'replication')));
    if (states.every((info) => !info.includes('role:slave') || info.includes('master_link_status:up'))) return;
    if (Date.now() > deadline) throw new Error(`the replicas did not sync with their primaries in ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

function clusterInfo(node: ClusterNode): Promise<string> {
  return redisCli(node, 'CLUSTER', 'INFO');
}

async function redisCli(node: ClusterNode, ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run('redis-cli', ['-h', node.host, '-p', String(node.port), ...args]);
    return stdout;
  } catch {
    return '';
  }
}
