// The rules of clients-view.ts on Redis' own text: which entries are the server's, what CLIENT KILL's
// filters match, and INFO's rewritten count. (Through a real server: clients-commands.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  bulkFrame,
  bulkText,
  infoHasClients,
  isServerLink,
  killCheckArgs,
  killMatches,
  killMatchesUnlisted,
  parseClientList,
  parseKill,
  redisAddress,
  withConnectedClients,
} from './clients-view.js';

const LIST = [
  'id=3 addr=127.0.0.1:5001 laddr=127.0.0.1:6379 fd=8 name=gearbox-engine age=9 flags=N db=0 user=default resp=2',
  'id=4 addr=127.0.0.1:5002 laddr=127.0.0.1:6379 fd=9 name= age=9 flags=N db=0 user=default resp=2',
  'id=5 addr=127.0.0.1:5003 laddr=127.0.0.1:6379 fd=10 name=app age=1 flags=P db=0 user=alice resp=3',
  'id=6 addr=[::1]:5004 laddr=[::1]:6379 fd=11 name= age=1 flags=S db=0 user=default resp=2',
  '',
].join('\n');

const b = (...s: string[]): Buffer[] => s.map((x) => Buffer.from(x));

test('server links are the gearbox- names and the shared links; the rest are clients', () => {
  const entries = parseClientList(LIST);
  assert.equal(entries.length, 4);
  const own = { shared: new Set(['127.0.0.1:5002']), retiring: new Set<string>(), clients: new Set<string>() };
  assert.deepEqual(
    entries.map((e) => isServerLink(e, own)),
    [true, true, false, false],
  );
  // a link the server closed that Redis still lists is the server's too
  assert.ok(isServerLink(entries[2], { ...own, retiring: new Set(['127.0.0.1:5003']) }));
  // a client of the server that names itself like the server's links is still a client
  assert.ok(!isServerLink(entries[0], { ...own, clients: new Set(['127.0.0.1:5001']) }));
  assert.equal(entries[3].addr, '[::1]:5004');
  assert.equal(redisAddress('::1', 5004), '[::1]:5004');
  assert.equal(redisAddress('127.0.0.1', 5003), '127.0.0.1:5003');
  assert.equal(redisAddress(undefined, undefined), '');
});

test('CLIENT KILL filters match as Redis matches them', () => {
  const [, , alice, replica] = parseClientList(LIST);
  assert.ok(killMatches(alice, parseKill(b('TYPE', 'pubsub', 'USER', 'alice'))));
  assert.ok(!killMatches(alice, parseKill(b('TYPE', 'normal'))));
  assert.ok(killMatches(replica, parseKill(b('type', 'replica'))));
  assert.ok(killMatches(alice, parseKill(b('ID', '05'))), 'ids compare as numbers');
  assert.ok(killMatches(replica, parseKill(b('ADDR', '[::1]:5004', 'LADDR', '[::1]:6379'))));
  assert.equal(parseKill(b('SKIPME', 'no')).skipme, false);
  assert.equal(parseKill(b('USER', 'x')).skipme, true);
  assert.deepEqual(parseKill(b('127.0.0.1:5003')), { oldForm: true, addr: '127.0.0.1:5003', skipme: false });
  // a client of the server with no connection listed matches only filters on type and user
  assert.ok(killMatchesUnlisted('alice', parseKill(b('SKIPME', 'yes'))));
  assert.ok(!killMatchesUnlisted('alice', parseKill(b('USER', 'bob'))));
  assert.ok(!killMatchesUnlisted('alice', parseKill(b('ID', '7'))));
  // Redis checks the arguments with a filter that matches nobody added; none: its arity error
  assert.deepEqual(killCheckArgs(b('TYPE', 'x')).map(String), [
    'CLIENT',
    'KILL',
    'TYPE',
    'x',
    'ID',
    '9223372036854775807',
  ]);
  assert.deepEqual(killCheckArgs(b('1.2.3.4:5')).map(String), ['CLIENT', 'KILL', 'ID', '9223372036854775807']);
  assert.deepEqual(killCheckArgs([]).map(String), ['CLIENT', 'KILL']);
});

test('INFO: the sections with connected_clients, rewritten in RESP2 and RESP3 frames', () => {
  assert.ok(infoHasClients([]));
  assert.ok(infoHasClients(b('Everything')));
  assert.ok(infoHasClients(b('memory', 'clients')));
  assert.ok(!infoHasClients(b('memory', 'stats')));
  const text = '# Clients\r\nconnected_clients:12\r\ncluster_connections:0\r\n';
  for (const verbatim of [false, true]) {
    const frame = bulkFrame(text, verbatim);
    const read = bulkText(frame);
    assert.deepEqual(read, { text, verbatim });
    const fixed = bulkFrame(withConnectedClients(read!.text, 3), verbatim);
    assert.match(bulkText(fixed)!.text, /^# Clients\r\nconnected_clients:3\r\ncluster_connections:0\r\n$/);
  }
  assert.equal(bulkFrame('é', false).toString(), '$2\r\né\r\n');
  assert.equal(bulkText(Buffer.from('-ERR x\r\n')), null);
});
