import assert from 'node:assert/strict';
import { test } from 'node:test';
import { sendWithRetries } from './retry.js';

const failing = (counter: { tries: number }) => async () => {
  counter.tries++;
  throw new Error('connection refused');
};
const failure = (tries: string, last: Error) => new Error(`gave up after ${tries}: ${last.message}`);

test('SendMsgRetries N: a message is sent N times in all, the first send included, as RedisGears counted', async () => {
  for (const retries of [1, 3]) {
    const counter = { tries: 0 };
    await assert.rejects(
      sendWithRetries({ retries, idleMs: 60_000 }, failing(counter), failure),
      new RegExp(`^Error: gave up after ${retries} tr(y|ies) \\(SendMsgRetries ${retries}\\): connection refused$`),
    );
    assert.equal(counter.tries, retries);
  }
});

test('a send that succeeds on a later try is not retried further', async () => {
  let tries = 0;
  await sendWithRetries(
    { retries: 3, idleMs: 60_000 },
    async () => {
      if (++tries < 2) throw new Error('busy');
    },
    failure,
  );
  assert.equal(tries, 2);
});

test('SendMsgRetries 0 (no limit in RedisGears) keeps trying until ExecutionMaxIdleTime, then gives up', async () => {
  const counter = { tries: 0 };
  await assert.rejects(
    sendWithRetries({ retries: 0, idleMs: 120 }, failing(counter), failure),
    /tries in 120 ms \(SendMsgRetries 0: until ExecutionMaxIdleTime\): connection refused$/,
  );
  assert.ok(counter.tries >= 2, `${counter.tries} tries`);
});
