// Basic Redis stream processing (RedisGears' example, RedGrease quickstart 2.4.3): every new message of the
// stream `mystream` is copied to a hash named by the message id.
// Run: npm run build && node dist/examples/stream-processing.js
import { StreamReader, cmd } from 'gearbox';
import { exampleStack, runIfMain, until } from './support/event-stack.js';

export const copyToHashes = StreamReader()
  .foreach((r) => cmd.hset(r.id, r.value))
  .register('mystream');

export async function main(): Promise<{ copies: Record<string, Record<string, string>> }> {
  const stack = await exampleStack();
  try {
    await stack.gears.gears.jsexecute(copyToHashes);
    const ids = [
      await stack.gears.xadd('mystream', '*', 'name', 'Rick', 'age', '70'),
      await stack.gears.xadd('mystream', '*', 'name', 'Morty', 'age', '14'),
    ] as string[];
    await until(async () => (await stack.redis.exists(...ids)) === ids.length, 'the copies');
    const copies: Record<string, Record<string, string>> = {};
    for (const id of ids) copies[id] = await stack.redis.hgetall(id);
    return { copies };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
