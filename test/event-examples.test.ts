// The event examples of examples/ (examples.test.ts runs the client's), each against its own private Redis and
// gears server as `node dist/examples/<name>.js` runs it, with its outcome checked.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import * as automaticExpiry from '../examples/automatic-expiry.js';
import * as deleteByPrefix from '../examples/delete-by-prefix.js';
import * as keyspaceNotificationProcessing from '../examples/keyspace-notification-processing.js';
import * as maximumAge from '../examples/maximum-age.js';
import * as reliableKeyspaceNotification from '../examples/reliable-keyspace-notification.js';
import * as streamProcessing from '../examples/stream-processing.js';
import * as writeBehind from '../examples/write-behind.js';

describe('examples', () => {
  it('automatic expiry: a key written through the gears server has its TTL when the write returns', async () => {
    const { ttl } = await automaticExpiry.main();
    assert.ok(ttl > 3500 && ttl <= 3600, `ttl ${ttl}`);
  });

  it('delete by key prefix: the three delete_me keys go, the other stays', async () => {
    assert.deepEqual(await deleteByPrefix.main(), { deleted: '3', left: [], kept: true });
  });

  it('basic stream processing: each message copied to a hash named by its id', async () => {
    const { copies } = await streamProcessing.main();
    assert.deepEqual(Object.values(copies), [
      { name: 'Rick', age: '70' },
      { name: 'Morty', age: '14' },
    ]);
  });

  it('keyspace notification processing: expirations captured to a stream, processed in batches', async () => {
    assert.deepEqual(await keyspaceNotificationProcessing.main(), { expired: ['token:a', 'token:b', 'token:c'] });
  });

  it('reliable keyspace notification: each hash change is in the stream when the write returns', async () => {
    const { notifications } = await reliableKeyspaceNotification.main();
    assert.deepEqual(notifications, [
      { key: 'person:1', event: 'hset', value: JSON.stringify({ name: 'Rick Sanchez', age: '70' }) },
      { key: 'person:2', event: 'hset', value: JSON.stringify({ name: 'Morty Smith', age: '14' }) },
    ]);
  });

  it('event-driven maximum age: the atomic check-and-set keeps the true maximum under concurrent writes', async () => {
    const { maximum, expected } = await maximumAge.main();
    assert.equal(maximum, expected);
  });

  it('write-behind to PostgreSQL: a gears server killed mid-way loses no row', async () => {
    const outcome = await writeBehind.main();
    assert.deepEqual(outcome, { restarted: true, rows: 998, persons: 998, mismatches: [] });
  });
});
