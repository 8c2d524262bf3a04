// Property-based fuzzing of the gears server's RESP endpoint: malformed, truncated and random input,
// before and after AUTH, must never end the process nor stall another client. Seeded, so a failure
// replays; bounded in runs, so it takes seconds.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import fc from 'fast-check';
import { cmd, RawClient, startStack, type Stack } from './harness.test.support.js';

const SEED = 20261128;
const PASSWORD = 'fuzz-pw';

const words = fc.constantFrom(
  'PING',
  'ECHO',
  'SET',
  'GET',
  'AUTH',
  'HELLO',
  'MULTI',
  'EXEC',
  'DISCARD',
  'SUBSCRIBE',
  'UNSUBSCRIBE',
  'SELECT',
  'RESET',
  'CLIENT',
  'RG.DUMPEXECUTIONS',
  'default',
  PASSWORD,
  '3',
  '2',
  'fuzz:key',
);
const arg = fc.oneof(words, fc.string({ maxLength: 12 }), fc.integer({ min: -3, max: 99999 }).map(String));
const validCommand = fc.array(arg, { minLength: 1, maxLength: 5 }).map((args) => Buffer.from(cmd(...args)));

/** RESP pieces a client could send by mistake or malice: wrong types, bad lengths, nesting, RESP3. */
const header = fc.oneof(
  fc.constantFrom('*', '$', '+', '-', ':', '%', '~', '>', '=', '_', ',', '#', '(', '!', '|', '{', '\0'),
  fc.constant(''),
);
const length = fc.oneof(
  fc.integer({ min: -2, max: 20 }).map(String),
  fc.constantFrom('2147483648', '99999999999999999999', '-0', '1e3', '', ' 1', '0x10', '536870913'),
);
const fragment = fc.oneof(
  fc.tuple(header, length).map(([h, l]) => Buffer.from(`${h}${l}\r\n`)),
  fc.constantFrom('\r\n', '\n', '\r', '"', "'", 'PING\r\n', ' ', '*1\r\n{', '*3\r\n*1\r\n').map((s) => Buffer.from(s)),
  fc.uint8Array({ maxLength: 24 }).map((a) => Buffer.from(a)),
);

/** A mutation of a valid command: cut short, a byte changed, or bytes inserted. */
const mutated = fc
  .tuple(validCommand, fc.nat(), fc.integer({ min: 0, max: 255 }), fc.constantFrom('cut', 'flip', 'insert'))
  .map(([bytes, at, byte, how]) => {
    const i = bytes.length === 0 ? 0 : at % bytes.length;
    if (how === 'cut') return bytes.subarray(0, i);
    const copy = Buffer.from(bytes);
    if (how === 'flip') {
      copy[i] = byte;
      return copy;
    }
    return Buffer.concat([copy.subarray(0, i), Buffer.from([byte]), copy.subarray(i)]);
  });

const input = fc.array(fc.oneof(validCommand, mutated, fragment), { minLength: 1, maxLength: 8 });
/** Where the bytes are cut into separate writes, so frames straddle chunk boundaries. */
const cuts = fc.array(fc.nat({ max: 400 }), { maxLength: 4 });

let stack: Stack;
let bystander: RawClient;

before(async () => {
  stack = await startStack({ password: PASSWORD });
  bystander = await RawClient.connect(stack.port);
  await bystander.roundTrip(cmd('AUTH', PASSWORD), '+OK\r\n');
});

after(async () => {
  bystander.close();
  await stack.stop();
});

/** Sends the bytes in pieces, then half-closes and waits for the server to close the connection. */
async function attack(prefix: string, pieces: Buffer[], at: number[]): Promise<void> {
  const client = await RawClient.connect(stack.port);
  const bytes = Buffer.concat([Buffer.from(prefix), ...pieces]);
  let last = 0;
  for (const cut of [...at].sort((a, b) => a - b)) {
    if (cut <= last || cut >= bytes.length) continue;
    client.write(bytes.subarray(last, cut));
    last = cut;
  }
  client.write(bytes.subarray(last));
  client.end();
  await client.closed;
}

for (const [when, prefix] of [
  ['before AUTH', ''],
  ['after AUTH', cmd('AUTH', PASSWORD)],
] as const) {
  test(`malformed, truncated and random RESP ${when} leaves the server answering everyone`, async () => {
    await fc.assert(
      fc.asyncProperty(input, cuts, async (pieces, at) => {
        await attack(prefix, pieces, at);
        await bystander.roundTrip(cmd('ECHO', 'still here'), '$10\r\nstill here\r\n');
      }),
      { seed: Number(process.env.FUZZ_SEED ?? SEED), numRuns: Number(process.env.FUZZ_RUNS ?? 150) },
    );
    const fresh = await RawClient.connect(stack.port);
    await fresh.roundTrip(cmd('AUTH', PASSWORD) + cmd('PING'), '+OK\r\n+PONG\r\n');
    fresh.close();
    assert.ok(stack.server.connections >= 1);
  });
}
