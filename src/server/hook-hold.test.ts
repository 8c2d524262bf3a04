// The write-hook hold (hook-hold.ts): a held write's reply reaches the client only once the hooks ran,
// even when they fail, and at once when the link carrying the write is lost. (Through a running server
// with sync registrations: rg/sync.test.ts.)
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { capturedLogger } from '../../test/support/log.js';
import { HookHold } from './hook-hold.js';
import { Request } from './resp/request.js';
import type { WriteHooks } from './write-hooks.js';

function setup(): { hold: HookHold; out: string[]; finish: (ok: boolean) => void; ran: Request[] } {
  const out: string[] = [];
  const ran: Request[] = [];
  let settle: ((ok: boolean) => void) | null = null;
  const hooks: WriteHooks = {
    wants: (req) => req.name === 'set',
    afterWrite: (req) => {
      ran.push(req);
      return new Promise<void>((resolve, reject) => {
        settle = (ok) => (ok ? resolve() : reject(new Error('hook failed')));
      });
    },
  };
  const hold = new HookHold(
    hooks,
    { write: (b) => out.push(b.toString()), slice: (c, s, e) => out.push(c.toString('latin1', s, e)) },
    capturedLogger().logger,
    1,
  );
  return { hold, out, ran, finish: (ok) => settle?.(ok) };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('only the writes the hooks want are held; other replies pass at once', () => {
  const { hold, out } = setup();
  assert.equal(hold.wants(Request.of('set', 'k', 'v')), true);
  assert.equal(hold.wants(Request.of('get', 'k')), false);
  hold.relay(Buffer.from('+PONG\r\n'));
  assert.deepEqual(out, ['+PONG\r\n']);
  assert.equal(hold.active, false);
});

test("a held write's reply is released once the hooks ran, then the next commands go", async () => {
  const { hold, out, finish, ran } = setup();
  const set = Request.of('set', 'k', 'v');
  hold.start(set);
  hold.relay(Buffer.from('+OK\r\n'));
  let done = false;
  hold.answered(() => (done = true));
  await tick();
  assert.deepEqual(out, []);
  assert.deepEqual(ran, [set]);
  finish(true);
  await tick();
  assert.deepEqual(out, ['+OK\r\n']);
  assert.equal(done, true);
  assert.equal(hold.active, false);
});

test('a reply relayed from its place in a read is held as its own bytes, and passes at once otherwise', async () => {
  const { hold, out, finish } = setup();
  const read = Buffer.from('+OK\r\n:1\r\n');
  hold.relaySlice(read, 5, 9);
  assert.deepEqual(out, [':1\r\n']);
  hold.start(Request.of('set', 'k', 'v'));
  hold.relaySlice(read, 0, 5);
  hold.answered(() => {});
  await tick();
  assert.deepEqual(out, [':1\r\n']);
  finish(true);
  await tick();
  assert.deepEqual(out, [':1\r\n', '+OK\r\n']);
});

test('a failing hook is logged and the reply released anyway', async () => {
  const { hold, out, finish } = setup();
  const log = capturedLogger();
  const failing = new HookHold(
    { wants: () => true, afterWrite: () => Promise.reject(new Error('boom')) },
    { write: (b) => out.push(b.toString()), slice: (c, s, e) => out.push(c.toString('latin1', s, e)) },
    log.logger,
    7,
  );
  failing.start(Request.of('set', 'k', 'v'));
  failing.relay(Buffer.from('+OK\r\n'));
  let done = false;
  failing.answered(() => (done = true));
  await tick();
  assert.deepEqual(out, ['+OK\r\n']);
  assert.equal(done, true);
  assert.match(log.text(), /"client":7.*a write hook failed; replying anyway/);
  finish(true);
  assert.equal(hold.active, false);
});

test('a lost link releases the held reply at once; the late hook then does nothing', async () => {
  const { hold, out, finish } = setup();
  hold.start(Request.of('set', 'k', 'v'));
  hold.relay(Buffer.from('+OK\r\n'));
  let done = 0;
  hold.answered(() => done++);
  hold.release();
  assert.deepEqual(out, ['+OK\r\n']);
  finish(true);
  await tick();
  assert.deepEqual(out, ['+OK\r\n']);
  assert.equal(done, 0);
});
