// The examples run as a user runs them (compiled, importing 'gearbox'), each with its own private
// Redis and gears server, and print what the seeds' examples print.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { describe, it } from 'node:test';
import { promisify } from 'node:util';

const run = promisify(execFile);

async function example(name: string): Promise<string> {
  const file = new URL(`../examples/${name}.js`, import.meta.url).pathname;
  const { stdout } = await run(process.execPath, [file], { env: { ...process.env, GEARS_URL: '' } });
  return stdout;
}

describe('examples', () => {
  it('basics: Redis commands and gears commands on one client', async () => {
    const out = await example('basics');
    assert.match(out, /Gears JavaScript runtime stats: \{\n\s+TotalAllocated: \d+/);
    assert.match(out, /Registered Gear functions: \[\]/);
    assert.match(out, /\{"key":"noodle","value":\{"spam":"eggs","meaning":"42"\},"type":"hash","event":null\}/);
    assert.match(out, /Key count: 5\n/);
    assert.match(out, /Sum of fighters: 1337\n/);
  });

  it('comparisons: every vanilla function and its gearbox form agree', async () => {
    const out = await example('comparisons');
    const titles = [...out.matchAll(/^([^\n:]+): (same|DIFFERENT)$/gm)].map((m) => [m[1], m[2]]);
    assert.deepEqual(titles, [
      ['word count', 'same'],
      ['delete by key prefix', 'same'],
      ['basic stream processing', 'same'],
      ['automatic expiry (TTL set, in seconds)', 'same'],
      ['keyspace notification processing', 'same'],
      ['reliable keyspace notification (entries per write)', 'same'],
    ]);
  });

  it('gear-functions: an open function extended two ways, executed three ways', async () => {
    const out = await example('gear-functions');
    assert.match(out, /keys by type: \{\n/);
    assert.match(out, /^ {2}string: \[ 'string:0', 'string:1', 'string:2' \],?$/m);
    assert.match(out, /^ {2}hash: \[ 'hash:0', 'hash:1' \],?$/m);
    assert.match(out, /commonest type: \[ 'string', 3 \]/);
    assert.match(out, /groups again: 3/);
  });

  it('cache-get: a command() that fetches each URL from the origin once', async () => {
    const out = await example('cache-get');
    assert.match(out, /Cache-miss time: [\d.]+ ms\nCache-hit time: [\d.]+ ms\nThat is [\d.]+ times faster!/);
    assert.match(out, /The origin served 8 requests for 16 gets/);
    assert.match(out, /answers: \[ '"image data of \/train2017\/0\.jpg"' \]/);
  });
});
