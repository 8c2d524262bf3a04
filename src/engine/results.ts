import { types } from 'node:util';

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
            : types.isMap(v)
              ? Object.fromEntries(v as Map<unknown, unknown>)
              : types.isSet(v)
                ? [...(v as Set<unknown>)]
                : v,
        ) ?? 'null'
      );
  }
}
