import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type Request, RequestReader } from './request.js';
import { ProtocolError, RespScanner } from './scan.js';

/** Scans `input` cut at every `cuts` position and returns each frame as text. */
function frames(input: string, cuts: number[] = []): string[] {
  const bytes = Buffer.from(input, 'latin1');
  const scanner = new RespScanner(false);
  const out: string[] = [];
  let pending: Buffer[] = [];
  let from = 0;
  for (const to of [...cuts, bytes.length]) {
    const chunk = bytes.subarray(from, to);
    let start = 0;
    scanner.scan(chunk, {
      frame(_type, end) {
        out.push(Buffer.concat([...pending, chunk.subarray(start, end)]).toString('latin1'));
        pending = [];
        start = end;
      },
    });
    if (start < chunk.length) pending.push(chunk.subarray(start));
    from = to;
  }
  return out;
}

const REPLIES = [
  '+OK\r\n',
  '-ERR nope\r\n',
  ':-12\r\n',
  '$5\r\nhe\r\no\r\n',
  '$-1\r\n',
  '*-1\r\n',
  '*0\r\n',
  '*2\r\n*1\r\n:1\r\n$0\r\n\r\n',
  '%1\r\n+k\r\n~2\r\n,1.5\r\n#t\r\n',
  '_\r\n',
  '(123456789012345678901234567890\r\n',
  '=7\r\ntxt:abc\r\n',
  '!3\r\nERR\r\n',
  '>3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$2\r\nhi\r\n',
  '|1\r\n+ttl\r\n:3\r\n$1\r\nv\r\n',
  '*2\r\n|1\r\n+a\r\n+b\r\n:1\r\n:2\r\n',
];

test('every RESP2 and RESP3 type is one frame, wherever the input is cut', () => {
  const all = REPLIES.join('');
  assert.deepEqual(frames(all), REPLIES);
  for (let cut = 1; cut < all.length; cut++) {
    assert.deepEqual(frames(all, [cut]), REPLIES, `cut at ${cut}`);
  }
  const bytewise = Array.from({ length: all.length - 1 }, (_, i) => i + 1);
  assert.deepEqual(frames(all, bytewise), REPLIES);
});

test('malformed replies throw ProtocolError', () => {
  assert.throws(() => frames('?x\r\n'), ProtocolError);
  assert.throws(() => frames('*x\r\n'), /invalid multibulk length/);
  assert.throws(() => frames('$abc\r\n'), /invalid bulk length/);
});

function read(input: string | string[]): Request[] {
  const out: Request[] = [];
  const reader = new RequestReader((r) => out.push(r));
  for (const chunk of Array.isArray(input) ? input : [input]) reader.push(Buffer.from(chunk, 'latin1'));
  return out;
}
const show = (rs: Request[]): string[][] => rs.map((r) => [r.name, ...r.args.map((a) => a.toString('latin1'))]);

test('requests: RESP arrays keep their raw bytes and binary arguments, split anywhere', () => {
  const input = '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$4\r\n\x00\r\n\xff\r\n*1\r\n$4\r\nPING\r\n';
  for (let cut = 0; cut <= input.length; cut++) {
    const rs = read([input.slice(0, cut), input.slice(cut)]);
    assert.deepEqual(show(rs), [['set', 'k', '\x00\r\n\xff'], ['ping']], `cut at ${cut}`);
    assert.equal(rs[0].raw?.toString('latin1'), input.slice(0, 30));
  }
});

test('requests: inline commands, quoting, empty lines, mixed with RESP', () => {
  const rs = read(['PING\r\n\r\nset "a b" \'c\\\'d\' "\\x41\\n"\n*1\r\n$4\r\nPING\r\nECHO x\r\n']);
  assert.deepEqual(show(rs), [['ping'], ['set', 'a b', "c'd", 'A\n'], ['ping'], ['echo', 'x']]);
  assert.equal(rs[0].raw, null);
  assert.deepEqual(show(read(['GE', 'T ', 'a\r', '\n'])), [['get', 'a']]);
});

test('requests: Redis protocol errors', () => {
  assert.throws(() => read('*1\r\n:1\r\n'), /Protocol error: expected '\$', got ':'/);
  assert.throws(() => read('*x\r\n'), /Protocol error: invalid multibulk length/);
  assert.throws(() => read('*1\r\n$-1\r\n'), /Protocol error: invalid bulk length/);
  assert.throws(() => read('SET "a\r\n'), /Protocol error: unbalanced quotes/);
  assert.throws(() => read('x'.repeat(70_000)), /too big inline request/);
  const reader = new RequestReader(() => {});
  reader.authenticated = false;
  assert.throws(() => reader.push(Buffer.from('*11\r\n')), /unauthenticated multibulk length/);
  assert.throws(() => new RequestReader(() => {}).push(Buffer.from('*1\r\n$x\r\n')), /invalid bulk length/);
});

/** The commands a reader delivers for `chunks`, and the error it stops at, if any. */
function outcome(chunks: string[]): { commands: string[][]; error: string | null } {
  const out: Request[] = [];
  const reader = new RequestReader((r) => out.push(r));
  try {
    for (const chunk of chunks) reader.push(Buffer.from(chunk, 'latin1'));
    return { commands: show(out), error: null };
  } catch (err) {
    return { commands: show(out), error: (err as Error).message };
  }
}

test('requests: commands read whole in one pass agree with the line-by-line scanner', () => {
  const inputs = [
    '*2\r\n$3\r\nGeT\r\n$1\r\nk\r\n*2\r\n$3\r\nget\r\n$1\r\nk\r\n*1\r\n$4\r\nPING\r\n',
    '*1\r\n$4\r\n\xc0BCD\r\n*1\r\n$4\r\n\xe0bcd\r\n*1\r\n$4\r\nABCD\r\n',
    '*0\r\n*-1\r\n*1\r\n$4\r\nPING\r\n',
    '*1\r\n$0\r\n\r\n*1\r\n$4\r\nPING\r\n',
    '*1\r\n$4\r\nPING\r\n*2\r\n$3\r\nSET\r\n$-1\r\n',
    '*1\r\n$4\r\nPING\r\n*1\r\n$+3\r\nabc\r\n',
    '*1\r\n$00000000004\r\nPING\r\n',
    '*1\r\n$4\rXPING\r\n',
    '*1\r\n$4\r\nPING\r\n*2\r\n:1\r\n',
    '*1\r\n$4\r\nPING\r\nPING\r\n*1\r\n$4\r\nPING\r\n',
    `*2\r\n$4\r\nECHO\r\n$${2 ** 29 + 1}\r\n`,
  ];
  for (const input of inputs) {
    const whole = outcome([input]);
    assert.deepEqual(whole, outcome([...input]), `read whole and byte by byte: ${JSON.stringify(input)}`);
    assert.notEqual(whole.commands.length + (whole.error === null ? 0 : 1), 0);
  }
  assert.deepEqual(outcome([inputs[0]]).commands, [['get', 'k'], ['get', 'k'], ['ping']]);
  // names are lower-cased as String.prototype.toLowerCase does, Latin-1 letters included
  assert.deepEqual(outcome([inputs[1]]).commands, [['\xe0bcd'], ['\xe0bcd'], ['abcd']]);
  assert.deepEqual(outcome([inputs[4]]), { commands: [['ping']], error: 'Protocol error: invalid bulk length' });
  const unauthenticated = new RequestReader(() => {});
  unauthenticated.authenticated = false;
  assert.throws(() => unauthenticated.push(Buffer.from('*1\r\n$16385\r\n')), /unauthenticated bulk length/);
});
