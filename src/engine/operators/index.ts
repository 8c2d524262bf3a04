import type { Primitive } from '../lower.js';
import { perRecord } from './per-record.js';
import { accumulate, batchGroupBy, distinct, limit, localGroupBy, sort } from './stateful.js';
import type { ErrorSink, Operator } from './operator.js';

export { ErrorSink, errorMessage, fold, isThenable, type Operator, type Batch } from './operator.js';
export { compareRecords } from './stateful.js';

/**
 * Where collect and repartition move records; a single shard passes them through. `from` names the
 * user's step for error messages; `errors` takes the messages of an extractor that throws.
 */
export interface Exchange {
  collect(from: string): Operator;
  repartition(extractor: (r: any) => unknown, errors: ErrorSink, from: string): Operator;
  /** Releases what the exchange holds once the run is over. */
  close?(): Promise<void>;
  /** Records and bytes this shard sent to others, for RG.GETEXECUTION. */
  stats?(): { recordsMoved: number; bytesMoved: number };
}

const passThrough: Operator = { push: (batch) => batch, finish: () => [] };
/**
 * On one shard every record stays local, yet RedisGears still calls the extractor on each one, so
 * a record whose extractor throws is dropped with its error there too: a foreach of the extractor.
 */
export const LOCAL_EXCHANGE: Exchange = {
  collect: () => passThrough,
  repartition: (extractor, errors) => perRecord('foreach', extractor, errors),
};

export function makeOperator(step: Primitive, errors: ErrorSink, exchange: Exchange): Operator {
  switch (step.kind) {
    case 'map':
    case 'flatmap':
    case 'foreach':
    case 'filter':
      return perRecord(step.kind, step.fn, errors);
    case 'accumulate':
      return accumulate(step.fn, errors);
    case 'localgroupby':
      return localGroupBy(step.extractor, step.reducer, errors);
    case 'batchgroupby':
      return batchGroupBy(step.extractor, step.batchReducer, errors);
    case 'limit':
      return limit(step.length, step.start);
    case 'distinct':
      return distinct();
    case 'sort':
      return sort(step.reverse);
    case 'collect':
      return exchange.collect(step.from);
    case 'repartition':
      return exchange.repartition(step.extractor, errors, step.from);
  }
}
