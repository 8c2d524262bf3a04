import assert from 'node:assert/strict';
import { test } from 'node:test';
import { probesFor, rightOf, verdict } from './acl.js';
import { ErrorReply } from './resp/reply.js';

const b = (s: string): Buffer => Buffer.from(s);

test('the rights each RG.* command needs', () => {
  for (const name of ['rg.jsexecute', 'rg.unregister', 'rg.configset', 'rg.abortexecution'])
    assert.equal(rightOf(name), 'scripts');
  assert.equal(rightOf('rg.trigger'), 'functions');
  for (const name of ['rg.getresults', 'rg.dumpexecutions', 'rg.getexecution', 'rg.dumpregistrations', 'rg.configget'])
    assert.equal(rightOf(name), 'read');
  assert.equal(rightOf('rg.somethingnew'), 'scripts');
  assert.equal(probesFor('read', true).length, 0);
  assert.equal(probesFor('read', false).length, 1);
  assert.deepEqual(
    probesFor('scripts', true).map((p) => p.toString().split('\r\n')[2]),
    ['EVAL', 'FUNCTION'],
  );
});

test("Redis' answers to the probes: only NOAUTH and NOPERM deny", () => {
  assert.equal(verdict('rg.jsexecute', 'scripts', [b(':0\r\n'), b('-ERR Missing library metadata\r\n')]), null);
  const denied = verdict('rg.jsexecute', 'scripts', [
    b(':0\r\n'),
    b("-NOPERM this user has no permissions to run the 'function|load' command\r\n"),
  ]);
  assert.ok(denied instanceof ErrorReply);
  assert.match(denied.message, /^NOPERM .*'rg\.jsexecute'.*EVAL and FUNCTION LOAD/);
  assert.equal(
    String(verdict('rg.getresults', 'read', [b('-NOAUTH Authentication required.\r\n')])),
    '-NOAUTH Authentication required.\r\n',
  );
  assert.equal(
    verdict('rg.getresults', 'read', [b("-NOPERM this user has no permissions to run the 'ping' command\r\n")]),
    null,
  );
});
