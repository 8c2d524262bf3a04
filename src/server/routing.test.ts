import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Request } from './resp/request.js';
import { bindingOf, routeOf } from './routing.js';

const table = new Map([['rg.jsexecute', null]]);

test('who answers: the connection, the command table, or Redis', () => {
  const r = (name: string, ...args: string[]): string => routeOf(Request.of(name, ...args), table);
  assert.equal(r('get'), 'relay');
  assert.equal(r('rg.jsexecute'), 'table');
  assert.equal(r('rg.unknown'), 'relay');
  for (const name of ['auth', 'hello', 'select', 'reset', 'quit']) assert.equal(r(name), name);
  assert.equal(r('sync'), 'tunnel');
  assert.equal(r('psync'), 'tunnel');
  // Redis answers these, the server shapes its view of the client table (clients-view.ts)
  assert.equal(r('info'), 'clients');
  assert.equal(r('client', 'KILL', 'skipme', 'yes'), 'clients');
  assert.equal(r('client', 'list'), 'clients');
  assert.equal(r('client', 'id'), 'relay');
});

test('which link: stateless commands share, stateful ones get the client its own link', () => {
  const b = (name: string, ...args: string[]): string => bindingOf(Request.of(name, ...args));
  assert.equal(b('get', 'k'), 'any');
  assert.equal(b('publish', 'c', 'm'), 'any');
  for (const name of ['blpop', 'brpoplpush', 'bzpopmin', 'xread', 'wait', 'eval', 'fcall'])
    assert.equal(b(name), 'own', name);
  assert.equal(b('script', 'kill'), 'any');
  for (const name of ['multi', 'exec', 'discard', 'watch', 'unwatch', 'subscribe', 'sunsubscribe'])
    assert.equal(b(name), 'stateful', name);
  for (const name of ['monitor', 'readonly', 'replconf']) assert.equal(b(name), 'sticky', name);
  assert.equal(b('client', 'SETNAME', 'x'), 'sticky');
  assert.equal(b('client', 'id'), 'sticky');
  assert.equal(b('client', 'reply', 'off'), 'sticky');
  assert.equal(b('client', 'PAUSE', '10'), 'any');
  assert.equal(b('client', 'getname'), 'any');
  assert.equal(b('client', 'setinfo', 'lib-name', 'x'), 'any');
});
