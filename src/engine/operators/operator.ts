import { types } from 'node:util';
import type { ErrorSink } from './error-sink.js';

export { ErrorSink } from './error-sink.js';
export type Batch = unknown[];
export type MaybePromise<T> = T | Promise<T>;

/** One primitive step: records flow in by batch, results flow out; stateful steps emit in finish(). */
export interface Operator {
  push(batch: Batch): MaybePromise<Batch>;
  finish(): MaybePromise<Batch>;
}

export function errorMessage(err: unknown): string {
  // isNativeError, not instanceof: a source's errors come from its own context (worker/evaluate.ts)
  if (types.isNativeError(err) || err instanceof Error) return err.message || err.name;
  return String(err);
}

export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Calls `apply` on each record in order, feeding `accept` its result; stays synchronous until a
 * callback returns a promise, then awaits it before the next record (stateful steps need order).
 */
export function fold(
  batch: Batch,
  apply: (r: unknown) => unknown,
  accept: (v: unknown, r: unknown) => void,
  errors: ErrorSink,
  from = 0,
): MaybePromise<void> {
  for (let i = from; i < batch.length; i++) {
    const record = batch[i];
    let value: unknown;
    try {
      value = apply(record);
    } catch (err) {
      errors.add(err);
      continue;
    }
    if (isThenable(value)) {
      return (async () => {
        try {
          accept(await value, record);
        } catch (err) {
          errors.add(err);
        }
        await fold(batch, apply, accept, errors, i + 1);
      })();
    }
    accept(value, record);
  }
}
