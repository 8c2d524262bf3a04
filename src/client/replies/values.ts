// Reading RedisGears' reply shapes: flat field/value arrays (RESP2) or maps (RESP3), nested.

/** A reply's field/value pairs as an object, whether it came as a flat array, a Map or an object. */
export function fields(reply: unknown): Record<string, unknown> {
  if (reply instanceof Map) return Object.fromEntries([...reply].map(([k, v]) => [String(k), v]));
  if (Array.isArray(reply)) {
    const out: Record<string, unknown> = {};
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = reply[i + 1];
    return out;
  }
  if (reply !== null && typeof reply === 'object' && !Buffer.isBuffer(reply)) return reply as Record<string, unknown>;
  throw new TypeError(`expected a field/value reply, got ${JSON.stringify(reply)}`);
}

export function list(reply: unknown): unknown[] {
  if (reply === null || reply === undefined) return [];
  if (Array.isArray(reply)) return reply;
  if (reply instanceof Set) return [...reply];
  throw new TypeError(`expected an array reply, got ${JSON.stringify(reply)}`);
}

export function text(value: unknown): string {
  return Buffer.isBuffer(value) ? value.toString() : String(value);
}

export function optionalText(value: unknown): string | null {
  return value === null || value === undefined ? null : text(value);
}

export function num(value: unknown): number {
  const n = Number(Buffer.isBuffer(value) ? value.toString() : value);
  return Number.isNaN(n) ? 0 : n;
}

/** RedisGears answers flags as 1/0 or 'yes'/'no'. */
export function flag(value: unknown): boolean {
  const t = text(value).toLowerCase();
  return t === '1' || t === 'yes' || t === 'true';
}

/** A field's reader: turns the reply's value of that field into the object's. */
export type FieldReader = (value: unknown) => unknown;

/**
 * A parser of field/value replies into objects with exactly the schema's keys, each read from the
 * field of the same name by its reader (`record({ port: num, ip: text })`).
 */
export function record<S extends Readonly<Record<string, FieldReader>>>(
  schema: S,
): (reply: unknown) => { readonly [K in keyof S]: ReturnType<S[K]> } {
  const entries = Object.entries(schema);
  return (reply) => {
    const f = fields(reply);
    return Object.fromEntries(entries.map(([name, read]) => [name, read(f[name])])) as {
      readonly [K in keyof S]: ReturnType<S[K]>;
    };
  };
}

/** A reader of a list field whose items `item` reads. */
export const listOf =
  <T>(item: (value: unknown) => T) =>
  (value: unknown): T[] =>
    list(value).map(item);
