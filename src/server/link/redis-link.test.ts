// A link's own view of whether clients should queue behind it (shared.ts moves a client with nothing
// in flight off a stalled link): a large reply on its way counts, as Redis not answering does.
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { after, before, test } from 'node:test';
import { setImmediate as nextTurn } from 'node:timers/promises';
import { encodeCommand } from '../resp/encode.js';
import { parseRedisUrl } from '../redis-url.js';
import { startStack, type Stack } from '../harness.test.support.js';
import { type LinkOwner, RedisLink } from './redis-link.js';
import { initialSetup } from './setup.js';

const MB = 1024 * 1024;

let stack: Stack;
before(async () => {
  stack = await startStack();
});
after(async () => {
  await stack.stop();
});

test('a link receiving a large reply counts as stalled until the reply is through', async () => {
  const size = 8 * MB;
  await stack.direct.set('stall:big', Buffer.alloc(size, 'b'));
  const link = new RedisLink(parseRedisUrl(stack.redis.url), initialSetup(0), null);
  try {
    let relayed = 0;
    const length = (b: Buffer | readonly Buffer[]) => (Array.isArray(b) ? b : [b]).reduce((n, x) => n + x.length, 0);
    let done = false;
    const answered = new Promise<void>((resolve, reject) => {
      const owner: LinkOwner = {
        relay: (bytes) => (relayed += length(bytes)),
        relaySlice: (_chunk, start, end) => (relayed += end - start),
        answered: () => resolve(),
        replied: () => resolve(),
        lost: (_link, _pending, loss) => reject(new Error(loss.message)),
      };
      link.send(owner, 'reply', encodeCommand(['GET', 'stall:big']));
    }).then(() => (done = true));
    assert.equal(link.stalled, false, 'just sent: Redis has not had time to answer');
    // the link reads the reply in 64 KB pieces, one per event loop turn: look between them
    let seenStalled = false;
    while (!done) {
      seenStalled ||= link.stalled;
      await nextTurn();
    }
    await answered;
    assert.ok(seenStalled, 'stalled while the 8 MB reply arrived');
    assert.equal(link.stalled, false, 'not once it is through');
    assert.equal(relayed, `$${size}\r\n`.length + size + 2);
  } finally {
    link.close();
  }
});
