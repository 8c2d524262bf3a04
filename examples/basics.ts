// RedGrease's quickstart "Basic Commands" (examples/basics.py) in TypeScript: ordinary Redis
// commands and the gears commands on one RedisGears client, gear functions as strings and objects.
// Run: npm run build && node dist/examples/basics.js   (or GEARS_URL=redis://127.0.0.1:6390 ...)
import { KeysReader, RedisGears } from 'gearbox';
import { gearsStack } from './support/stack.js';

const add = (a: number, b: number) => a + b;

const stack = await gearsStack();
const r = new RedisGears(stack.url);
try {
  // Normal Redis commands
  await r.flushall();
  await r.set('Foo-fighter', 2021);
  await r.set('Bar-fighter', 63);
  await r.set('Baz-fighter', -747);
  await r.hset('noodle', { spam: 'eggs', meaning: 8 });
  await r.hincrby('noodle', 'meaning', 34);
  await r.xadd('transactions:0', '*', 'msg', 'First', 'from', 0, 'to', 2, 'amount', 1000);

  // Gears commands
  console.log('Gears JavaScript runtime stats:', await r.gears.jsstats());
  console.log('Registered Gear functions:', await r.gears.dumpregistrations());

  const allRecords = await r.gears.jsexecute("GearsBuilder('KeysReader').run()");
  console.log('All-records gear results: [');
  for (const record of allRecords) console.log(`  ${record}`);
  console.log(']');

  const keyCount = await r.gears.jsexecute("GearsBuilder('KeysReader').count().run()");
  console.log(`Key count: ${keyCount.value}`);

  // The same as a GearFunction object, run on the client given to run()
  const fighters = await KeysReader('*-fighter')
    .values()
    .map(Number)
    .aggregate(0, add, add)
    .run({ on: r, convertToStr: false });
  const total: number = fighters.value;
  console.log(`Sum of fighters: ${total}`);
} finally {
  r.disconnect();
  await stack.stop();
}
