// A keyspace of HyperLogLogs: approximate distinct counts per id.
import type { DeferredResult } from '../deferred.js';
import type { RedisArg } from '../command.js';
import { Keyspace } from './keyspace.js';

export class HyperLogLog extends Keyspace {
  pfadd(id: string, ...elements: RedisArg[]): DeferredResult<boolean> {
    return this.run((p) => p.pfadd(this.key(id), ...elements));
  }
  /** The estimated distinct count of one id, or of the union of several (which must share a slot in a cluster). */
  pfcount(...ids: [string, ...string[]]): DeferredResult<number> {
    return this.run((p) => p.pfcount(...(ids.map((id) => this.key(id)) as [string, ...string[]])));
  }
  pfmerge(id: string, ...sourceIds: [string, ...string[]]): DeferredResult<'OK'> {
    return this.run((p) => p.pfmerge(this.key(id), ...(sourceIds.map((s) => this.key(s)) as [string, ...string[]])));
  }
}
