/**
 * A Map keyed by group keys that keeps each key's own type (README.md: group keys keep the
 * extractor's type): primitives key directly, objects by their JSON text in a second map so that
 * the object {a: 1} and the string '{"a":1}' stay different groups.
 */
export class KeyedMap<V> {
  private readonly plain = new Map<unknown, { key: unknown; value: V }>();
  private readonly objects = new Map<string, { key: unknown; value: V }>();

  private slot(key: unknown) {
    return key !== null && typeof key === 'object' ? this.objects.get(JSON.stringify(key)) : this.plain.get(key);
  }

  get(key: unknown): V | undefined {
    return this.slot(key)?.value;
  }

  set(key: unknown, value: V): void {
    const entry = this.slot(key);
    if (entry) entry.value = value;
    else if (key !== null && typeof key === 'object') this.objects.set(JSON.stringify(key), { key, value });
    else this.plain.set(key, { key, value });
  }

  *entries(): IterableIterator<{ key: unknown; value: V }> {
    yield* this.plain.values();
    yield* this.objects.values();
  }
}
