// Records stored as hashes with typed fields, RedPipe's Model: every read and write is a pipelined
// command returning a DeferredResult, so loading or saving many records costs one round trip.
import { DeferredResult } from '../deferred.js';
import { pipeline } from '../context.js';
import type { Pipeline } from '../pipeline.js';
import { decodeField, encodeField, type FieldValues, type Fields } from './fields.js';

/** The static side of a model class, as `create` and `load` see it. */
export interface ModelClass {
  new (id: string): Model;
  readonly name: string;
  namespace: string;
  fields: Fields;
  connection: string | undefined;
  key(id: string): string;
}

export type ModelValues<M extends ModelClass> = FieldValues<M['fields']>;

/** Values for `save`: a field set to null (or undefined) is removed from the record. */
export type ModelUpdates<M extends ModelClass> = { [K in keyof ModelValues<M>]?: ModelValues<M>[K] | null };

/** A loaded or created record: the class's own members plus its fields as typed, read-only properties. */
export type ModelInstance<M extends ModelClass> = Omit<InstanceType<M>, 'save' | 'toJSON'> &
  Readonly<Partial<ModelValues<M>>> & {
    /** Writes these fields (null removes one) and updates the properties once executed. */
    save(values: ModelUpdates<M>, pipe?: Pipeline): DeferredResult<ModelInstance<M>>;
    toJSON(): { id: string } & Partial<ModelValues<M>>;
  };

const RESERVED = new Set(['id', 'exists', 'values', 'constructor']);
const prepared = new WeakSet<ModelClass>();

export class Model {
  /** The key prefix: records of `User` with namespace 'U' live in hashes U{1}, U{2}. */
  static namespace: string;
  /** Field name to field type, e.g. `{ name: TextField, last_seen: IntegerField }`. */
  static fields: Fields = {};
  /** The named connection (see `connect`); the default one when unset. */
  static connection: string | undefined;

  readonly id: string;
  /** Whether the record was found by `load` (or written by `create`/`save`). */
  exists: boolean;
  private values: Record<string, unknown>;

  /** Use `create` or `load`; constructing directly gives an empty, unsaved record. */
  constructor(id: string) {
    if (typeof id !== 'string' || id.length === 0) {
      throw new TypeError(`${new.target.name}: a record id must be a non-empty string`);
    }
    prepare(new.target as unknown as ModelClass);
    this.id = id;
    this.exists = false;
    this.values = {};
  }

  static key(id: string): string {
    const namespace = this.namespace as unknown;
    if (typeof namespace !== 'string' || namespace.length === 0) {
      throw new TypeError(`${this.name}: set \`static namespace = 'X'\` to name the model's key prefix`);
    }
    return `${namespace}{${id}}`;
  }

  /** Writes a new record (replacing any old one under that id) and answers it once executed. */
  static create<M extends ModelClass>(
    this: M,
    id: string,
    values: Partial<ModelValues<M>>,
    pipe?: Pipeline,
  ): DeferredResult<ModelInstance<M>> {
    const record = new this(id) as unknown as Model;
    const key = this.key(id);
    const encoded = encodeAll(this, key, values as Record<string, unknown>);
    return pipeline(
      pipe,
      (p) => {
        const written = p.del(key);
        const last = Object.keys(encoded.set).length > 0 ? p.hset(key, encoded.set) : written;
        return last.map(() => {
          record.values = decodedCopy(encoded.set, values as Record<string, unknown>);
          record.exists = true;
          return record as unknown as ModelInstance<M>;
        });
      },
      { name: this.connection ?? pipe?.connectionName },
    );
  }

  /** Reads a record; `exists` is false if there is none. A field that does not parse fails it, naming key and field. */
  static load<M extends ModelClass>(this: M, id: string, pipe?: Pipeline): DeferredResult<ModelInstance<M>> {
    const record = new this(id) as unknown as Model;
    const key = this.key(id);
    return pipeline(
      pipe,
      (p) =>
        p.hgetall(key).map((raw) => {
          const values: Record<string, unknown> = {};
          for (const field of Object.keys(raw)) {
            const type = this.fields[field];
            if (type) values[field] = decodeField(type, key, field, raw[field]!);
          }
          record.values = values;
          record.exists = Object.keys(raw).length > 0;
          return record as unknown as ModelInstance<M>;
        }),
      { name: this.connection ?? pipe?.connectionName },
    );
  }

  save(values: Record<string, unknown>, pipe?: Pipeline): DeferredResult<this> {
    const type = this.constructor as ModelClass;
    const key = type.key(this.id);
    const encoded = encodeAll(type, key, values);
    const fieldsToSet = Object.keys(encoded.set);
    if (fieldsToSet.length === 0 && encoded.remove.length === 0) return DeferredResult.of(this);
    return pipeline(
      pipe,
      (p) => {
        let last: DeferredResult<number> | undefined;
        if (fieldsToSet.length > 0) last = p.hset(key, encoded.set);
        if (encoded.remove.length > 0) last = p.hdel(key, ...(encoded.remove as [string, ...string[]]));
        return last!.map(() => {
          Object.assign(this.values, decodedCopy(encoded.set, values));
          for (const field of encoded.remove) delete this.values[field];
          this.exists = fieldsToSet.length > 0 || Object.keys(this.values).length > 0;
          return this;
        });
      },
      { name: type.connection ?? pipe?.connectionName },
    );
  }

  /** Deletes the record; answers whether there was one. */
  delete(pipe?: Pipeline): DeferredResult<boolean> {
    const type = this.constructor as ModelClass;
    return pipeline(
      pipe,
      (p) =>
        p.del(type.key(this.id)).map((removed) => {
          this.values = {};
          this.exists = false;
          return removed > 0;
        }),
      { name: type.connection ?? pipe?.connectionName },
    );
  }

  /** @internal for the field accessors `prepare` installs */
  static fieldValue(record: Model, field: string): unknown {
    return record.values[field];
  }

  toJSON(): { id: string } & Record<string, unknown> {
    return { id: this.id, ...this.values };
  }
}

/** Field values become accessors on the class's prototype, once per class. */
function prepare(type: ModelClass): void {
  if (prepared.has(type)) return;
  const fields = type.fields as Fields | undefined;
  if (!fields || typeof fields !== 'object') {
    throw new TypeError(`${type.name}: set \`static fields = { name: TextField, ... }\``);
  }
  for (const field of Object.keys(fields)) {
    if (RESERVED.has(field) || field in Model.prototype) {
      throw new TypeError(`${type.name}.fields.${field} collides with a Model member: rename the field`);
    }
    const fieldType = fields[field] as { encode?: unknown; decode?: unknown } | undefined;
    if (!fieldType || typeof fieldType.encode !== 'function' || typeof fieldType.decode !== 'function') {
      throw new TypeError(`${type.name}.fields.${field} is not a field type: use TextField, IntegerField, ...`);
    }
    Object.defineProperty((type as unknown as { prototype: object }).prototype, field, {
      get(this: Model) {
        return Model.fieldValue(this, field);
      },
      enumerable: true,
      configurable: true,
    });
  }
  prepared.add(type);
}

interface Encoded {
  readonly set: Record<string, string>;
  readonly remove: string[];
}

function encodeAll(type: ModelClass, key: string, values: Record<string, unknown>): Encoded {
  if (!values || typeof values !== 'object') throw new TypeError(`${type.name}: values must be an object of fields`);
  const set: Record<string, string> = {};
  const remove: string[] = [];
  for (const field of Object.keys(values)) {
    const fieldType = type.fields[field];
    if (!fieldType) {
      throw new TypeError(
        `${type.name} has no field ${JSON.stringify(field)} (fields: ${Object.keys(type.fields).join(', ')})`,
      );
    }
    const value = values[field];
    if (value === null || value === undefined) remove.push(field);
    else set[field] = encodeField(fieldType, key, field, value);
  }
  return { set, remove };
}

/** The instance keeps its own copies of the written values, so later changes to the caller's objects do not leak in. */
function decodedCopy(set: Record<string, string>, values: Record<string, unknown>): Record<string, unknown> {
  const copy: Record<string, unknown> = {};
  for (const field of Object.keys(set)) {
    const value = values[field];
    copy[field] = typeof value === 'object' && value !== null ? structuredClone(value) : value;
  }
  return copy;
}
