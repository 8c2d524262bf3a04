// The RedisGears introduction's event-driven maximum ("Writing Data"): each person written updates `age:maximum`
// if it is older. The check-and-set runs inside atomic(), an optimistic transaction that is retried when
// `age:maximum` changed under it, so concurrent writes never lose the true maximum (a plain GET then SET would:
// events run concurrently).
// Run: npm run build && node dist/examples/maximum-age.js
import { KeysReader, atomic, execute } from 'gearbox';
import { exampleStack, runIfMain, until } from './support/event-stack.js';

export const maximumAge = KeysReader()
  .filter((r) => r.value !== null)
  .map((r) => Number((r.value as Record<string, string>).age))
  .foreach((age) =>
    atomic(async () => {
      const current = Number((await execute('GET', 'age:maximum')) ?? 0);
      if (age > current) await execute('SET', 'age:maximum', String(age));
    }),
  )
  .register('person:*', { eventTypes: ['hset'] });

export async function main(): Promise<{ maximum: number; expected: number }> {
  const stack = await exampleStack();
  try {
    await stack.gears.gears.jsexecute(maximumAge);
    // 200 persons written concurrently, in random order
    const ages = Array.from({ length: 200 }, (_, i) => 1 + ((i * 7919) % 150));
    await Promise.all(ages.map((age, i) => stack.gears.hset(`person:${i}`, { name: `p${i}`, age: String(age) })));
    const expected = Math.max(...ages);
    const stats = async () => (await stack.gears.gears.dumpregistrations())[0].RegistrationData;
    await until(async () => (await stats()).numSuccess + (await stats()).numFailures >= ages.length, 'every event');
    return { maximum: Number(await stack.redis.get('age:maximum')), expected };
  } finally {
    await stack.close();
  }
}

runIfMain(import.meta, main);
