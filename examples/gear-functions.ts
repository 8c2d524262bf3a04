// RedGrease's first-class GearFunction objects (chapter 1.3 and 4.3): an open function is a value
// that can be shared and extended in several directions, then closed and executed three ways:
// gears.jsexecute(fn), fn.on(client), and run({ on: client }).
// Run: npm run build && node dist/examples/gear-functions.js
import { KeysReader, RedisGears } from 'gearbox';
import { gearsStack } from './support/stack.js';

// The keys per type, each group's keys collected in a list (the seed's get_keys_by_type)
const getKeysByType = KeysReader().aggregateby(
  (record) => record.type,
  [] as string[],
  (_type, acc, record) => [...acc, record.key].sort(),
  (_type, acc, other) => [...acc, ...other].sort(),
);

// Two closed functions built from it: one object from type to keys, and the commonest type
const getKeysByTypeDict = getKeysByType
  .map((group) => ({ [String(group.key)]: group.value }))
  .aggregate(
    {} as Record<string, string[]>,
    (acc, rec) => ({ ...acc, ...rec }),
    (acc, rec) => ({ ...acc, ...rec }),
  )
  .run();

const getCommonestType = getKeysByType
  .map((group) => [group.key, group.value.length] as [string | null, number])
  .aggregate(
    [null, 0] as [string | null, number],
    (acc, rec) => (rec[1] > acc[1] ? rec : acc),
    (acc, rec) => (rec[1] > acc[1] ? rec : acc),
  )
  .run({ convertToStr: false });

const stack = await gearsStack();
const r = new RedisGears(stack.url);
try {
  await r.flushall();
  await r.mset('string:0', 'a', 'string:1', 'b', 'string:2', 'c');
  await r.hset('hash:0', { f: 1 });
  await r.hset('hash:1', { f: 2 });
  await r.rpush('list:0', 'x');

  const byType = await r.gears.jsexecute(getKeysByTypeDict); // the idiomatic way
  console.log('keys by type:', JSON.parse(byType.value));

  const commonest = await getCommonestType.on(r); // a closed function's on()
  console.log('commonest type:', commonest.value);

  const groups = await r.gears.jsexecute(getKeysByType); // an open function is closed with run()
  console.log(
    'groups:',
    groups.results.map((g) => JSON.parse(g)),
  );

  const again = await getKeysByType.run({ on: r }); // run({ on }) closes and executes
  console.log('groups again:', again.length);
} finally {
  r.disconnect();
  await stack.stop();
}
