// gearbox benchmarks: `node dist/bench/index.js [batch] [pipeline] [proxy] [events] [streams] [client] [memory] [cluster]`
// (all of them, in that order, when none is named; `--cluster` and the like name a suite too, for
// `npm run bench -- --cluster`).
// Each suite starts its own private Redis (and gears server) on loopback ports and stops them after.
import { benchBatch } from './batch.js';
import { benchClient } from './client.js';
import { benchCluster } from './cluster.js';
import { benchEvents } from './events.js';
import { benchMemory } from './memory.js';
import { benchPipeline } from './pipeline.js';
import { benchProxy } from './proxy.js';
import { benchStreams } from './streams.js';

const SUITES: Record<string, () => Promise<unknown>> = {
  batch: benchBatch,
  pipeline: benchPipeline,
  proxy: benchProxy,
  events: benchEvents,
  streams: benchStreams,
  client: benchClient,
  memory: benchMemory,
  cluster: benchCluster,
};

const wanted = process.argv.slice(2).map((arg) => arg.replace(/^--/, ''));
const unknown = wanted.filter((name) => !(name in SUITES));
if (unknown.length > 0) {
  console.error(`unknown benchmark ${unknown.join(', ')}; choose from: ${Object.keys(SUITES).join(', ')}`);
  process.exit(2);
}
for (const name of wanted.length > 0 ? wanted : Object.keys(SUITES)) await SUITES[name]();
