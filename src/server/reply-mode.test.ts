import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ClientReplyMode } from './reply-mode.js';
import { Request } from './resp/request.js';

/** Which of the commands get a reply, in order. */
function replies(...cmds: string[][]): boolean[] {
  const mode = new ClientReplyMode();
  return cmds.map(([name, ...args]) => mode.next(Request.of(name, ...args), false));
}

test('CLIENT REPLY OFF silences everything until ON, which answers', () => {
  assert.deepEqual(replies(['client', 'reply', 'off'], ['set', 'a', '1'], ['client', 'reply', 'on'], ['get', 'a']), [
    false,
    false,
    true,
    true,
  ]);
});

test('CLIENT REPLY SKIP silences itself and the next command only', () => {
  assert.deepEqual(replies(['client', 'reply', 'skip'], ['set', 'a', '1'], ['get', 'a']), [false, false, true]);
  // SKIP while OFF changes nothing; a bad mode is an error reply like any other
  assert.deepEqual(replies(['client', 'reply', 'off'], ['client', 'reply', 'skip'], ['get', 'a']), [
    false,
    false,
    false,
  ]);
  assert.deepEqual(replies(['client', 'reply', 'bogus'], ['get', 'a']), [true, true]);
});

test('RESET turns replies back on and answers', () => {
  assert.deepEqual(replies(['client', 'reply', 'off'], ['reset'], ['get', 'a']), [false, true, true]);
});
