import assert from 'node:assert/strict';
import { test } from 'node:test';
import calculateSlot from 'cluster-key-slot';
import { SlotMap, parseClusterNodes } from './topology.js';

const NODES = [
  'aaaa 127.0.0.1:7001@17001 myself,master - 0 0 1 connected 0-5460',
  'bbbb 127.0.0.1:7002@17002,host-b master - 0 1 2 connected 5461-10922 [5461->-cccc]',
  'cccc 127.0.0.1:7003@17003 master - 0 1 3 connected 10923-16000 16001 16002-16383',
  'dddd 127.0.0.1:7004@17004 slave aaaa 0 1 1 connected',
  'eeee 127.0.0.1:7005@17005 master,fail - 0 1 4 disconnected',
].join('\n');

test('CLUSTER NODES: primaries with slots, ordered by lowest slot, each with a tag on its lowest slot', () => {
  const topology = parseClusterNodes(NODES);
  assert.equal(topology.myId, 'aaaa');
  assert.equal(topology.myRole, 'primary');
  assert.deepEqual(
    topology.shards.map((s) => [s.id, s.host, s.port, s.slots]),
    [
      ['aaaa', '127.0.0.1', 7001, [[0, 5460]]],
      ['bbbb', '127.0.0.1', 7002, [[5461, 10922]]],
      [
        'cccc',
        '127.0.0.1',
        7003,
        [
          [10923, 16000],
          [16001, 16001],
          [16002, 16383],
        ],
      ],
    ],
  );
  assert.deepEqual(
    topology.shards.map((s) => calculateSlot(s.tag)),
    [0, 5461, 10923],
  );
});

test('a replica knows it is one', () => {
  const topology = parseClusterNodes(
    NODES.replace('myself,master', 'master').replace('slave aaaa', 'myself,slave aaaa'),
  );
  assert.equal(topology.myId, 'dddd');
  assert.equal(topology.myRole, 'replica');
});

test('SlotMap: every slot to its primary', () => {
  const map = new SlotMap(parseClusterNodes(NODES).shards);
  assert.equal(map.owner(0)?.id, 'aaaa');
  assert.equal(map.owner(10922)?.id, 'bbbb');
  assert.equal(map.owner(16001)?.id, 'cccc');
  assert.equal(new SlotMap([]).owner(5), undefined);
});
