/**
 * convertToStr (the default): every result becomes a bulk string: a string as is, a number in
 * decimal, anything else as JSON (undefined as null).
 */
export function toResult(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'undefined':
      return 'null';
    default:
      return (
        JSON.stringify(value, (_k, v) =>
          typeof v === 'bigint'
            ? v.toString()
            : v instanceof Map
              ? Object.fromEntries(v)
              : v instanceof Set
                ? [...v]
                : v,
        ) ?? 'null'
      );
  }
}
