import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeCommand, encodeReply } from './encode.js';
import { DoubleReply, ErrorReply, MapReply, SetReply, SimpleString, ok, wrongArity } from './reply.js';

const e2 = (r: Parameters<typeof encodeReply>[0]): string => encodeReply(r, 2).toString('latin1');
const e3 = (r: Parameters<typeof encodeReply>[0]): string => encodeReply(r, 3).toString('latin1');

test('nil, strings, buffers and integers are what Redis sends', () => {
  assert.equal(e2(null), '$-1\r\n');
  assert.equal(e3(null), '_\r\n');
  assert.equal(e2('héllo'), '$6\r\nhéllo\r\n'.replace('é', '\xc3\xa9'));
  assert.equal(e2(Buffer.from([0, 13, 10, 255])), '$4\r\n\x00\r\n\xff\r\n');
  assert.equal(e2(42), ':42\r\n');
  assert.equal(e2(-0), ':0\r\n');
  assert.equal(e2(49.5), '$4\r\n49.5\r\n');
  assert.equal(e3(49.5), '$4\r\n49.5\r\n');
  assert.equal(e2(2n ** 62n), `:${2n ** 62n}\r\n`);
  assert.equal(e2(2n ** 64n), `$20\r\n${2n ** 64n}\r\n`);
  assert.equal(e3(2n ** 64n), `(${2n ** 64n}\r\n`);
});

test('status and error replies stay on one line and errors get a prefix', () => {
  assert.equal(e2(ok()), '+OK\r\n');
  assert.equal(e2(new SimpleString('a\r\nb')), '+a b\r\n');
  assert.equal(e2(new ErrorReply('WRONGTYPE Operation against a key')), '-WRONGTYPE Operation against a key\r\n');
  assert.equal(e2(new ErrorReply('something broke\nbadly')), '-ERR something broke badly\r\n');
  assert.equal(e3(wrongArity('RG.GETRESULTS')), "-ERR wrong number of arguments for 'rg.getresults' command\r\n");
});

test('aggregates: arrays nest, maps and sets degrade to arrays in RESP2', () => {
  assert.equal(e2([1, 'a', [null]]), '*3\r\n:1\r\n$1\r\na\r\n*1\r\n$-1\r\n');
  assert.equal(e3([null]), '*1\r\n_\r\n');
  const map = new MapReply({ a: 1, b: 'x' });
  assert.equal(e2(map), '*4\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n');
  assert.equal(e3(map), '%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n$1\r\nx\r\n');
  assert.equal(e3(new MapReply([['k', [1]]])), '%1\r\n$1\r\nk\r\n*1\r\n:1\r\n');
  assert.equal(e2(new SetReply(['a'])), '*1\r\n$1\r\na\r\n');
  assert.equal(e3(new SetReply(['a'])), '~1\r\n$1\r\na\r\n');
  assert.equal(e2(new DoubleReply(1.5)), '$3\r\n1.5\r\n');
  assert.equal(e3(new DoubleReply(1.5)), ',1.5\r\n');
  assert.equal(e3(new DoubleReply(-Infinity)), ',-inf\r\n');
});

test('a value that is not a Reply is refused with a message saying what is allowed', () => {
  assert.throws(() => encodeReply({ a: 1 } as never, 2), /cannot encode \[object Object\]/);
});

test('encodeCommand builds an array of bulk strings', () => {
  assert.equal(encodeCommand(['SET', 'k', Buffer.from('v')]).toString(), '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
});
