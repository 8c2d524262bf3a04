// Automatic expiry (RedisGears' example, RedGrease quickstart 2.4.4): every key written gets a time to live of one
// hour. The registration is `sync`, so a write through the gears server returns with its TTL already set.
// Run: npm run build && node dist/examples/automatic-expiry.js
import { KeysReader, cmd } from 'gearbox';
import { exampleStack, runIfMain } from './support/event-stack.js';

// its own EXPIRE fires an `expire` event: that one is left alone, or the function would chase itself
export const expireEverything = KeysReader()
  .filter((r) => r.event !== 'expire')
  .foreach((r) => cmd.expire(r.key, 3600))
  .register('*', { mode: 'sync', readValue: false });

export async function main(): Promise<{ ttl: number }> {
  const stack = await exampleStack();
  try {
    await stack.gears.gears.jsexecute(expireEverything);
    await stack.gears.set('session:42', 'some state');
    return { ttl: await stack.gears.ttl('session:42') };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
