// Field types: how a typed value is stored in one hash field and read back. Each round-trips its
// values exactly; a custom field is any object with `encode` and `decode`.

export interface Field<T> {
  /** For error messages: "an integer", "a boolean". */
  readonly description: string;
  /** The string stored in Redis; throws a TypeError that says what was wrong. */
  encode(value: T): string;
  /** The value back from Redis' string; throws if the stored text is not a valid value. */
  decode(raw: string): T;
}

export type Fields = Readonly<Record<string, Field<any>>>;

/** The typed values a field map describes: `{ name: TextField }` gives `{ name: string }`. */
export type FieldValues<F extends Fields> = { -readonly [K in keyof F]: F[K] extends Field<infer T> ? T : never };

/** A value that does not fit its field, naming the key and the field. */
export class FieldError extends Error {
  readonly key: string;
  readonly field: string;
  constructor(key: string, field: string, cause: Error) {
    super(`${key} field ${JSON.stringify(field)}: ${cause.message}`, { cause });
    this.name = 'FieldError';
    this.key = key;
    this.field = field;
  }
}

export function encodeField(type: Field<unknown>, key: string, field: string, value: unknown): string {
  try {
    return type.encode(value);
  } catch (err) {
    throw new FieldError(key, field, err as Error);
  }
}

export function decodeField(type: Field<unknown>, key: string, field: string, raw: string): unknown {
  try {
    return type.decode(raw);
  } catch (err) {
    throw new FieldError(key, field, err as Error);
  }
}

export const TextField: Field<string> = {
  description: 'a string',
  encode(value) {
    if (typeof value !== 'string') throw new TypeError(`expected a string, got ${show(value)}`);
    return value;
  },
  decode: (raw) => raw,
};

export const IntegerField: Field<number> = {
  description: 'an integer',
  encode(value) {
    if (!Number.isSafeInteger(value)) throw new TypeError(`expected a safe integer, got ${show(value)}`);
    return String(value);
  },
  decode(raw) {
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(value)) throw new TypeError(`${show(raw)} is not an integer`);
    return value;
  },
};

export const FloatField: Field<number> = {
  description: 'a number',
  encode(value) {
    if (typeof value !== 'number') throw new TypeError(`expected a number, got ${show(value)}`);
    // String() gives the shortest text that parses back to the same double, except that it drops -0's sign.
    return Object.is(value, -0) ? '-0' : String(value);
  },
  decode(raw) {
    const value = Number(raw);
    if (raw.trim() === '' || (Number.isNaN(value) && raw !== 'NaN'))
      throw new TypeError(`${show(raw)} is not a number`);
    return value;
  },
};

export const BooleanField: Field<boolean> = {
  description: 'a boolean',
  encode(value) {
    if (typeof value !== 'boolean') throw new TypeError(`expected a boolean, got ${show(value)}`);
    return value ? '1' : '0';
  },
  decode(raw) {
    if (raw === '1') return true;
    if (raw === '0') return false;
    throw new TypeError(`${show(raw)} is not a boolean (stored as 1 or 0)`);
  },
};

export const ListField: Field<string[]> = {
  description: 'a list of strings',
  encode(value) {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new TypeError(`expected an array of strings, got ${show(value)}`);
    }
    return JSON.stringify(value);
  },
  decode(raw) {
    const value: unknown = parseJson(raw);
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) {
      throw new TypeError(`${show(raw)} is not a JSON array of strings`);
    }
    return value;
  },
};

/** Any JSON value; `jsonField<T>()` types it (the value is trusted to have that shape). */
export const JsonField: Field<unknown> = jsonField<unknown>();

export function jsonField<T>(): Field<T> {
  return {
    description: 'a JSON value',
    encode(value) {
      const text = value === undefined ? undefined : JSON.stringify(value);
      if (text === undefined) throw new TypeError(`expected a JSON-serialisable value, got ${show(value)}`);
      return text;
    },
    decode: (raw) => parseJson(raw) as T,
  };
}

function parseJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw new TypeError(`${show(raw)} is not valid JSON`);
  }
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}...` : value);
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  return Array.isArray(value) ? 'an array' : typeof value;
}
