// A keyspace of hashes with typed fields: `Hash.of({ age: IntegerField })` types and converts each
// listed field; fields not listed are plain strings.
import type { DeferredResult } from '../deferred.js';
import { TextField, decodeField, encodeField, type Field, type FieldValues, type Fields } from '../models/fields.js';
import type { Pipeline } from '../pipeline.js';
import { Keyspace } from './keyspace.js';

type Values = Record<string, unknown>;
type FieldName<V> = keyof V & string;

/** What `Hash.of` returns: a Hash class to extend, its values typed by the fields. */
export type TypedHashClass<V extends Values> = Omit<typeof Hash, 'prototype'> & (new (pipe?: Pipeline) => Hash<V>);

export class Hash<V extends Values = Record<string, string>> extends Keyspace {
  /** How each typed field is stored; `Hash.of` sets it. */
  static fields: Fields = {};

  /** A Hash keyspace whose listed fields are typed: `class P extends Hash.of({ age: IntegerField }) {...}`. */
  static of<F extends Fields>(fields: F): TypedHashClass<FieldValues<F>> {
    return class TypedHash extends Hash<FieldValues<F>> {
      static override fields: Fields = fields;
    };
  }

  hget<K extends FieldName<V>>(id: string, field: K): DeferredResult<V[K] | null> {
    const key = this.key(id);
    return this.run((p) => p.hget(key, field)).map((raw) => (raw === null ? null : this.decode<K>(key, field, raw)));
  }
  hset<K extends FieldName<V>>(id: string, field: K, value: V[K]): DeferredResult<number>;
  hset(id: string, values: Partial<V>): DeferredResult<number>;
  hset(id: string, fieldOrValues: string | Partial<V>, value?: unknown): DeferredResult<number> {
    const key = this.key(id);
    const values = (typeof fieldOrValues === 'string' ? { [fieldOrValues]: value } : fieldOrValues) as Values;
    const encoded: Record<string, string> = {};
    for (const field of Object.keys(values)) encoded[field] = this.encode(key, field, values[field]);
    return this.run((p) => p.hset(key, encoded));
  }
  hsetnx<K extends FieldName<V>>(id: string, field: K, value: V[K]): DeferredResult<boolean> {
    const key = this.key(id);
    return this.run((p) => p.hsetnx(key, field, this.encode(key, field, value)));
  }
  hmget<K extends FieldName<V>>(id: string, ...fields: [K, ...K[]]): DeferredResult<(V[K] | null)[]> {
    const key = this.key(id);
    return this.run((p) => p.hmget(key, ...fields)).map((raws) =>
      raws.map((raw, i) => (raw === null ? null : this.decode<K>(key, fields[i]!, raw))),
    );
  }
  hgetall(id: string): DeferredResult<Partial<V>> {
    const key = this.key(id);
    return this.run((p) => p.hgetall(key)).map((raw) => {
      const values: Values = {};
      for (const field of Object.keys(raw)) values[field] = this.decode(key, field, raw[field]!);
      return values as Partial<V>;
    });
  }
  hdel(id: string, ...fields: [FieldName<V>, ...FieldName<V>[]]): DeferredResult<number> {
    return this.run((p) => p.hdel(this.key(id), ...fields));
  }
  hexists(id: string, field: FieldName<V>): DeferredResult<boolean> {
    return this.run((p) => p.hexists(this.key(id), field));
  }
  hincrby(id: string, field: FieldName<V>, increment: number): DeferredResult<number> {
    return this.run((p) => p.hincrby(this.key(id), field, increment));
  }
  hincrbyfloat(id: string, field: FieldName<V>, increment: number): DeferredResult<number> {
    return this.run((p) => p.hincrbyfloat(this.key(id), field, increment));
  }
  hkeys(id: string): DeferredResult<FieldName<V>[]> {
    return this.run((p) => p.hkeys(this.key(id))) as DeferredResult<FieldName<V>[]>;
  }
  hlen(id: string): DeferredResult<number> {
    return this.run((p) => p.hlen(this.key(id)));
  }

  private fieldType(field: string): Field<unknown> {
    return ((this.constructor as typeof Hash).fields[field] ?? TextField) as Field<unknown>;
  }

  private encode(key: string, field: string, value: unknown): string {
    return encodeField(this.fieldType(field), key, field, value);
  }

  private decode<K extends FieldName<V>>(key: string, field: string, raw: string): V[K] {
    return decodeField(this.fieldType(field), key, field, raw) as V[K];
  }
}
