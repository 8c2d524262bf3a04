import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Pending } from './pairing.js';

test('replies pair with commands in order, across owners', () => {
  const p = new Pending<string>();
  p.push(null, 'setup');
  p.push('a', 'reply');
  p.push('b', 'reply');
  p.push('a', 'probe');
  assert.equal(p.size, 4);
  assert.deepEqual([p.owner, p.expect], [null, 'setup']);
  p.shift();
  assert.deepEqual([p.owner, p.expect], ['a', 'reply']);
  p.shift();
  assert.deepEqual([p.owner, p.expect], ['b', 'reply']);
  p.push('c', 'drop');
  // when the link fails: what each owner still waited for (the link's own commands excluded)
  assert.deepEqual(
    [...p.drain()],
    [
      ['b', 1],
      ['a', 1],
    ],
  );
  assert.equal(p.expect, null);
});

test('a long-lived FIFO compacts instead of growing', () => {
  const p = new Pending<number>();
  for (let i = 0; i < 5000; i++) {
    p.push(i, 'reply');
    p.push(i, 'reply');
    p.shift();
  }
  assert.equal(p.size, 5000);
  assert.equal(p.owner, 2500);
});

test('an emptied FIFO starts over in its old slots, in order, holding no owner it let go', () => {
  const p = new Pending<string>();
  p.push('a', 'reply');
  p.push('b', 'probe');
  p.shift();
  p.shift();
  assert.equal(p.size, 0);
  assert.deepEqual([p.owner, p.expect], [null, null]);
  p.push('c', 'fetch');
  assert.deepEqual([p.size, p.owner, p.expect], [1, 'c', 'fetch']);
  p.push('d', 'reply');
  p.shift();
  assert.deepEqual([p.size, p.owner, p.expect], [1, 'd', 'reply']);
  assert.deepEqual([...p.drain()], [['d', 1]]);
});
