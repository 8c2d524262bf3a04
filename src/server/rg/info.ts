import type { Engine } from '../../engine/index.js';
import type { CommandHandler } from '../commands.js';
import { ok } from '../resp/reply.js';

/** RG.JSSTATS: the JavaScript runtime's memory, as RG.PYSTATS reports Python's. */
export const jsstats =
  (engine: Engine): CommandHandler =>
  () =>
    Object.entries(engine.stats()).flat();

/** RG.JSDUMPREQS: the requirements installed for functions, in RG.PYDUMPREQS' shape. */
export const jsdumpreqs =
  (engine: Engine): CommandHandler =>
  () =>
    engine.requirements
      .list()
      .map((r) => [
        'GearReqVersion',
        1,
        'Name',
        r.spec,
        'IsDownloaded',
        r.installed ? 'yes' : 'no',
        'IsInstalled',
        r.installed ? 'yes' : 'no',
        'CompiledOs',
        `${process.platform}-${process.arch}`,
        'Wheels',
        [],
      ]);

/** RG.INFOCLUSTER: outside a cluster, RedisGears answers this bulk string. */
export const infocluster =
  (_engine: Engine): CommandHandler =>
  () =>
    'no cluster mode';

/** RG.REFRESHCLUSTER */
export const refreshcluster =
  (_engine: Engine): CommandHandler =>
  () =>
    ok();
