// Write-behind of `person:*` hashes into PostgreSQL (RedGrease's write-through / write-behind use case), in two
// registrations: every change of a person is captured into the stream `writebehind:person` before the write's
// reply (`sync`, writes through the gears server), and a stream registration writes the changes to PostgreSQL in
// batches of up to 100 (or what 50 ms gathered), one transaction per batch, acknowledged only once committed: a
// gears server that dies mid-batch leaves the batch pending, and the restarted server writes it again (upserts, so
// twice is harmless). A failed batch (PostgreSQL down) is retried every second.
// Needs PostgreSQL (default postgres://postgres@127.0.0.1:5432/test, or PG_URL) and the `pg` package where the
// gears server runs. Run: npm run build && node dist/examples/write-behind.js
import { KeysReader, StreamReader, cmd, gearsConfigGet } from 'gearbox';
import pg from 'pg';
import { exampleStack, runIfMain, until } from './support/event-stack.js';

const PG_URL = process.env.PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const TABLE = 'gearbox_example_person';

export const captureChanges = KeysReader()
  .foreach((r) => {
    const person = r.value as Record<string, string> | null;
    return cmd.xadd(
      'writebehind:person',
      person
        ? { key: r.key, op: 'upsert', name: person.name ?? '', age: person.age ?? '' }
        : { key: r.key, op: 'delete' },
    );
  })
  .register('person:*', { eventTypes: ['hset', 'del'], mode: 'sync' });

export const writeToPostgres = StreamReader()
  .values()
  .accumulate()
  .foreach(async (changes) => {
    // this callback runs on the gears server, whose require() finds the server's installed packages
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { Client } = require('pg');
    // RG.CONFIGSET WriteBehindPostgres <url> chooses the database (a restarted server starts from the default)
    const url = gearsConfigGet('WriteBehindPostgres', 'postgres://postgres@127.0.0.1:5432/test');
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      await client.query('BEGIN');
      for (const change of changes) {
        if (change.op === 'delete')
          await client.query('DELETE FROM gearbox_example_person WHERE key = $1', [change.key]);
        else
          await client.query(
            'INSERT INTO gearbox_example_person (key, name, age) VALUES ($1, $2, $3) ' +
              'ON CONFLICT (key) DO UPDATE SET name = EXCLUDED.name, age = EXCLUDED.age',
            [change.key, change.name, Number(change.age)],
          );
      }
      await client.query('COMMIT');
    } finally {
      await client.end();
    }
  })
  .register('writebehind:person', { batch: 100, duration: 50, onFailedPolicy: 'retry', onFailedRetryInterval: 1 });

export interface WriteBehindOutcome {
  readonly restarted: boolean;
  readonly rows: number;
  readonly persons: number;
  readonly mismatches: string[];
}

export async function main(): Promise<WriteBehindOutcome> {
  const db = new pg.Client({ connectionString: PG_URL });
  await db.connect();
  const stack = await exampleStack();
  try {
    await db.query(`CREATE TABLE IF NOT EXISTS ${TABLE} (key text PRIMARY KEY, name text, age int)`);
    await db.query(`TRUNCATE ${TABLE}`);
    await stack.gears.gears.config.set({ WriteBehindPostgres: PG_URL });
    await stack.gears.gears.jsexecute(captureChanges);
    await stack.gears.gears.jsexecute(writeToPostgres);

    const write = async (from: number, to: number) => {
      for (let i = from; i < to; i++)
        await stack.gears.hset(`person:${i}`, { name: `Person ${i}`, age: String(i % 90) });
    };
    await write(0, 500);
    // the gears server dies (SIGKILL) while batches are on their way to PostgreSQL, and comes back
    const restarted = await stack.restartGears();
    await write(500, 1000);
    await stack.gears.del('person:7', 'person:700');
    await stack.gears.hset('person:8', { name: 'Renamed', age: '8' });

    const count = async () => Number((await db.query(`SELECT count(*) AS n FROM ${TABLE}`)).rows[0].n);
    await until(async () => (await count()) === 998, '998 rows in PostgreSQL', 60_000);
    await until(
      async () => (await db.query(`SELECT name FROM ${TABLE} WHERE key = 'person:8'`)).rows[0]?.name === 'Renamed',
      'the last update',
    );
    const mismatches: string[] = [];
    const { rows } = await db.query(`SELECT key, name, age FROM ${TABLE}`);
    for (const row of rows as Array<{ key: string; name: string; age: number }>) {
      const person = await stack.redis.hgetall(row.key);
      if (person.name !== row.name || Number(person.age) !== row.age) mismatches.push(row.key);
    }
    return { restarted, rows: rows.length, persons: (await stack.redis.keys('person:*')).length, mismatches };
  } finally {
    await stack.close();
    await db.end();
  }
}

runIfMain(import.meta, main);
