// RedGrease's "Cache Get Command" (quickstart 2.5): a function registered on the gears server as a
// new command with command(), caching what it fetches from an HTTP origin in Redis. The origin
// here is a local HTTP server the example starts, answering after a delay like a remote one would.
// Run: npm run build && node dist/examples/cache-get.js
import { createServer } from 'node:http';
import { command, execute, RedisGears } from 'gearbox';
import { gearsStack } from './support/stack.js';

const ORIGIN_DELAY_MS = 40;

// Registered on the server under its own name; `execute` and `fetch` are the server's there.
async function cacheGet(url: string): Promise<string> {
  if (await execute('EXISTS', url)) return execute('GET', url);
  const response = await fetch(url);
  if (!response.ok) return '';
  const body = await response.text();
  await execute('SET', url, body);
  return body;
}

let served = 0;
const origin = createServer((req, res) => {
  served++;
  setTimeout(() => res.end(`image data of ${req.url}`), ORIGIN_DELAY_MS);
});
await new Promise<void>((resolve) => origin.listen(0, '127.0.0.1', resolve));
const { port } = origin.address() as { port: number };
const imageUrls = Array.from({ length: 8 }, (_, i) => `http://127.0.0.1:${port}/train2017/${i}.jpg`);

const stack = await gearsStack();
const r = new RedisGears(stack.url);
try {
  await r.flushall();
  const cachedGet = command(cacheGet, { on: r, replace: false });

  const getEmAll = async () => {
    const started = performance.now();
    for (const url of imageUrls) {
      const data = await cachedGet(url); // runs cacheGet on the gears server
      if (!data.startsWith('image data of')) throw new Error(`unexpected data for ${url}: ${data}`);
    }
    return performance.now() - started;
  };

  const miss = await getEmAll();
  console.log(`Cache-miss time: ${miss.toFixed(1)} ms`);
  const hit = await getEmAll();
  console.log(`Cache-hit time: ${hit.toFixed(1)} ms`);
  console.log(`That is ${(miss / hit).toFixed(1)} times faster!`);
  console.log(`The origin served ${served} requests for ${2 * imageUrls.length} gets`);
  console.log(
    `redis-cli RG.TRIGGER cacheGet ${imageUrls[0]} answers:`,
    await r.call('RG.TRIGGER', 'cacheGet', imageUrls[0]!),
  );

  for (const registration of await r.gears.dumpregistrations()) await r.gears.unregister(registration);
} finally {
  r.disconnect();
  origin.close();
  await stack.stop();
}
