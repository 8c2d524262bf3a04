// Reliable keyspace notification (RedisGears' example, RedGrease quickstart 2.4.6): each change of a `person:*`
// hash is stored in the stream `notifications-stream`, where consumers read it at their own pace (unlike pub/sub
// notifications, which are lost when nobody listens). `sync`: a write through the gears server returns once its
// notification is in the stream. (`hmset` of the original is notified by Redis as `hset`.)
// Run: npm run build && node dist/examples/reliable-keyspace-notification.js
import { KeysReader, cmd } from 'gearbox';
import { exampleStack, runIfMain } from './support/event-stack.js';

export const notifyPersons = KeysReader()
  .foreach((r) =>
    cmd.xadd('notifications-stream', { key: r.key, event: r.event ?? '', value: JSON.stringify(r.value) }),
  )
  .register('person:*', { eventTypes: ['hset'], mode: 'sync' });

export async function main(): Promise<{ notifications: Array<Record<string, string>> }> {
  const stack = await exampleStack();
  try {
    await stack.gears.gears.jsexecute(notifyPersons);
    await stack.gears.hset('person:1', { name: 'Rick Sanchez', age: '70' });
    await stack.gears.hset('person:2', { name: 'Morty Smith', age: '14' });
    // no waiting: both notifications were written before the HSETs returned
    const entries = await stack.gears.xrange('notifications-stream', '-', '+');
    const notifications = entries.map(([, fields]) => {
      const out: Record<string, string> = {};
      for (let i = 0; i + 1 < fields.length; i += 2) out[fields[i]] = fields[i + 1];
      return out;
    });
    return { notifications };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
