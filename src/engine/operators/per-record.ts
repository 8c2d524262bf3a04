import { ErrorSink, isThenable, type Batch, type MaybePromise, type Operator } from './operator.js';

type Emit = (out: Batch, record: unknown, result: unknown) => void;

const EMITTERS: Record<'map' | 'flatmap' | 'foreach' | 'filter', Emit> = {
  map: (out, _record, result) => void out.push(result),
  foreach: (out, record) => void out.push(record),
  filter: (out, record, result) => void (result ? out.push(record) : undefined),
  // A string is iterable but is one record, as README.md's "Gear functions" says.
  flatmap: (out, _record, result) => {
    if (result !== null && typeof result === 'object' && Symbol.iterator in result)
      for (const item of result as Iterable<unknown>) out.push(item);
    else out.push(result);
  },
};

/**
 * map, flatmap, foreach and filter: one callback per record. Callbacks of one batch are all
 * started before any is awaited, so async callbacks (Redis calls) overlap; outputs keep input order.
 */
export function perRecord(kind: keyof typeof EMITTERS, fn: (r: any) => unknown, errors: ErrorSink): Operator {
  const emit = EMITTERS[kind];
  return {
    push(batch: Batch): MaybePromise<Batch> {
      const out: Batch = [];
      for (let i = 0; i < batch.length; i++) {
        let result: unknown;
        try {
          result = fn(batch[i]);
        } catch (err) {
          errors.add(err);
          continue;
        }
        if (isThenable(result)) return finishAsync(batch, i, result, out);
        emit(out, batch[i], result);
      }
      return out;
    },
    finish: () => [],
  };

  async function finishAsync(batch: Batch, from: number, first: PromiseLike<unknown>, out: Batch): Promise<Batch> {
    const pending: unknown[] = [first];
    for (let i = from + 1; i < batch.length; i++) {
      try {
        pending.push(fn(batch[i]));
      } catch (err) {
        pending.push(Promise.reject(err));
      }
    }
    const settled = await Promise.allSettled(pending);
    for (let j = 0; j < settled.length; j++) {
      const s = settled[j];
      if (s.status === 'fulfilled') emit(out, batch[from + j], s.value);
      else errors.add(s.reason);
    }
    return out;
  }
}
