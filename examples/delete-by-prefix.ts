// Delete by key prefix (RedisGears' example, RedGrease quickstart 2.4.2): deletes every key whose name starts with
// `delete_me:` and returns how many there were. A batch function: run() once.
// Run: npm run build && node dist/examples/delete-by-prefix.js
import { KeysReader, cmd } from 'gearbox';
import { exampleStack, runIfMain } from './support/event-stack.js';

export const deleteByPrefix = KeysReader()
  .keys()
  .foreach((key) => cmd.delete(key))
  .count()
  .run('delete_me:*');

export async function main(): Promise<{ deleted: unknown; left: string[]; kept: boolean }> {
  const stack = await exampleStack();
  try {
    await stack.gears.mset('delete_me:1', 'a', 'delete_me:2', 'b', 'delete_me:3', 'c', 'keep_me', 'd');
    const { results } = await stack.gears.gears.jsexecute(deleteByPrefix);
    return {
      deleted: results[0],
      left: await stack.gears.keys('delete_me:*'),
      kept: (await stack.gears.exists('keep_me')) === 1,
    };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
