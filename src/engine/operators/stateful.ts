import { KeyedMap } from './keyed-map.js';
import { fold, isThenable, type Batch, type ErrorSink, type Operator } from './operator.js';

/** Runs `then` on the result of `value`, awaiting it only when it is a promise. */
function chain(value: unknown, then: (v: unknown) => unknown): unknown {
  return isThenable(value) ? Promise.resolve(value).then(then) : then(value);
}

export function accumulate(fn: (acc: any, r: any) => unknown, errors: ErrorSink): Operator {
  let acc: unknown = undefined;
  let seen = false;
  return {
    push: (batch) =>
      chainVoid(
        fold(
          batch,
          (r) => fn(acc, r),
          (v) => {
            acc = v;
            seen = true;
          },
          errors,
        ),
      ),
    finish: () => (seen ? [acc] : []),
  };
}

export function localGroupBy(
  extractor: (r: any) => unknown,
  reducer: (k: any, acc: any, r: any) => unknown,
  errors: ErrorSink,
): Operator {
  const groups = new KeyedMap<unknown>();
  return {
    push: (batch) =>
      chainVoid(
        fold(
          batch,
          (r) => chain(extractor(r), (key) => chain(reducer(key, groups.get(key), r), (acc) => groups.set(key, acc))),
          () => undefined,
          errors,
        ),
      ),
    finish: () => Array.from(groups.entries(), ({ key, value }) => ({ key, value })),
  };
}

export function batchGroupBy(
  extractor: (r: any) => unknown,
  batchReducer: (k: any, records: any[]) => unknown,
  errors: ErrorSink,
): Operator {
  const groups = new KeyedMap<unknown[]>();
  return {
    push: (batch) =>
      chainVoid(
        fold(
          batch,
          extractor,
          (key, r) => {
            const list = groups.get(key);
            if (list) list.push(r);
            else groups.set(key, [r]);
          },
          errors,
        ),
      ),
    finish: async () => {
      const out: Batch = [];
      for (const { key, value } of groups.entries()) {
        try {
          out.push({ key, value: await batchReducer(key, value) });
        } catch (err) {
          errors.add(err);
        }
      }
      return out;
    },
  };
}

function identityOf(record: unknown): unknown {
  return record !== null && typeof record === 'object' ? `\u0000json:${JSON.stringify(record)}` : record;
}

export function distinct(): Operator {
  const seen = new Set<unknown>();
  return {
    push(batch) {
      const out: Batch = [];
      for (const r of batch) {
        const id = identityOf(r);
        if (!seen.has(id)) {
          seen.add(id);
          out.push(r);
        }
      }
      return out;
    },
    finish: () => [],
  };
}

/** sort(): numbers numerically, strings by code unit, anything else by its JSON text. */
export function compareRecords(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const x = typeof a === 'string' ? a : JSON.stringify(a);
  const y = typeof b === 'string' ? b : JSON.stringify(b);
  return x < y ? -1 : x > y ? 1 : 0;
}

export function sort(reverse: boolean): Operator {
  const all: Batch = [];
  return {
    push(batch) {
      for (const r of batch) all.push(r);
      return [];
    },
    finish: () => (reverse ? all.sort((a, b) => compareRecords(b, a)) : all.sort(compareRecords)),
  };
}

export function limit(length: number, start: number): Operator {
  let skipped = 0;
  let passed = 0;
  return {
    push(batch) {
      const out: Batch = [];
      for (const r of batch) {
        if (skipped < start) skipped++;
        else if (passed < length) {
          out.push(r);
          passed++;
        } else break;
      }
      return out;
    },
    finish: () => [],
  };
}

function chainVoid(done: void | Promise<void>): Batch | Promise<Batch> {
  return done ? done.then(() => []) : [];
}
