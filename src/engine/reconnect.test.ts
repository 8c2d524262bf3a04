import assert from 'node:assert/strict';
import { test } from 'node:test';
import { reconnectDelay } from './reconnect.js';

test('the first reconnection is at once, the next ones back off without a random part, up to 5 s', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 7, 8, 9].map(reconnectDelay), [0, 100, 200, 400, 800, 1600, 3200, 5000, 5000]);
});
