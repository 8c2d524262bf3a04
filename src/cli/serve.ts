import { GearsCluster, checkRole } from '../cluster/index.js';
import { Engine, redactUrl } from '../engine/index.js';
import { childLogger, setLogLevel, type LogLevel } from '../log/logger.js';
import {
  checkProtectedMode,
  type ClientLimits,
  DEFAULT_CLIENT_LIMITS,
  GearsServer,
  parseOutputLimit,
  parseRedisUrl,
  parseSize,
  reserveListeners,
  syncWriteHooks,
} from '../server/index.js';
import { gearsCommands } from '../server/rg/index.js';
import { redisTls, tlsListener, type TlsFlags } from './serve-tls.js';

export interface ServeOptions extends TlsFlags {
  /** May carry the password Redis wants (redis://:password@host); REDIS_URL keeps it off the command line. */
  readonly redis: string;
  readonly host: string;
  /** 0 with a TLS port: TLS only, as in Redis. */
  readonly port: number;
  /** GEARBOX_PASSWORD keeps it off the command line. */
  readonly password?: string;
  readonly threads?: number;
  readonly logLevel?: LogLevel;
  /** Redis' protected-mode: 'no' allows a non-loopback listener without authentication. */
  readonly protectedMode?: 'yes' | 'no';
  readonly maxclients?: number;
  readonly clientQueryBufferLimit?: string;
  readonly clientOutputBufferLimit?: string[];
  /** May start beside a replica, standing by to take over its shard when the replica is promoted. */
  readonly standby?: boolean;
}

/** The limit flags, written as in redis.conf, over the defaults (server/limits.ts). */
function clientLimits(options: ServeOptions): Partial<ClientLimits> {
  const output = { ...DEFAULT_CLIENT_LIMITS.output };
  for (const spec of options.clientOutputBufferLimit ?? []) {
    const { klass, limit } = parseOutputLimit(spec);
    output[klass] = limit;
  }
  return {
    output,
    ...(options.maxclients !== undefined && { maxClients: options.maxclients }),
    ...(options.clientQueryBufferLimit !== undefined && {
      queryBufferLimit: parseSize(options.clientQueryBufferLimit, '--client-query-buffer-limit'),
    }),
  };
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly tlsPort?: number;
  readonly engine: Engine;
  /** Beside a replica: its primary's address (see GearsCluster.standingBy). */
  readonly standingBy?: string;
  close(): Promise<void>;
}

/** A gears server: the engine of one shard behind a RESP endpoint that proxies everything else to Redis. */
export async function startGearsServer(options: ServeOptions): Promise<RunningServer> {
  if (options.logLevel) setLogLevel(options.logLevel);
  const log = childLogger('server');
  const protectedMode = options.protectedMode !== 'no';
  // before anything starts: a refused listener should not leave an engine running
  checkProtectedMode({
    host: options.host,
    password: options.password,
    redisHasCredentials: parseRedisUrl(options.redis).password !== undefined,
    protectedMode,
  });
  const tls = tlsListener(options);
  const limits = clientLimits(options);
  const toRedis = redisTls(options.redis, options);
  const port = tls && options.port === 0 ? null : options.port;
  // the ports before Redis: a taken one fails here, with nothing restored or started on the shard
  const listeners = await reserveListeners({ host: options.host, port, tls });
  let engine: Engine;
  let cluster: GearsCluster;
  try {
    const role = await checkRole(options.redis, options.standby);
    engine = await Engine.start({
      redisUrl: options.redis,
      redisTls: toRedis,
      config: options.threads ? { ExecutionThreads: options.threads } : undefined,
      // a Redis not reachable yet may turn out a replica: with --standby nothing is restored until it is known a primary
      standby: role ? role.kind === 'replica' : options.standby === true,
    });
    cluster = await GearsCluster.attach(engine, {
      redisUrl: options.redis,
      standby: options.standby,
    }).catch(async (err: Error) => {
      await engine.close();
      throw err;
    });
  } catch (err) {
    await listeners.close();
    throw err;
  }
  const server = new GearsServer({
    redisUrl: options.redis,
    redisTls: toRedis,
    host: options.host,
    port,
    tls,
    protectedMode,
    limits,
    password: options.password,
    commands: gearsCommands(engine, cluster),
    logger: log,
    writeHooks: syncWriteHooks(engine.registrations),
  });
  let address;
  try {
    address = await server.listen(listeners);
    if (address.port !== null) await cluster.listeningOn({ host: address.host, port: address.port });
  } catch (err) {
    await cluster.close();
    await engine.close();
    await listeners.close();
    throw err;
  }
  return {
    ...address,
    engine,
    get standingBy() {
      return cluster.standingBy;
    },
    async close() {
      await server.close();
      await cluster.close();
      await engine.close();
    },
  };
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  let running: RunningServer;
  try {
    running = await startGearsServer(options);
  } catch (err) {
    console.error(`gearbox serve: ${(err as Error).message}`);
    process.exit(1);
  }
  const shutdown = () => {
    void running.close().then(
      () => process.exit(0),
      (err: Error) => {
        console.error(`gearbox serve: stopping: ${err.message}`);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  // the last line of defence: a promise nobody awaited that fails (a connection to Redis closed under
  // a pending command) is logged; it must not end a process that serves every client
  process.on('unhandledRejection', (reason) =>
    childLogger('server').error(
      { err: reason instanceof Error ? reason.message : String(reason) },
      'unhandled rejection',
    ),
  );
  const auth = options.password ? ', AUTH required' : '';
  const tls = running.tlsPort === undefined ? '' : `, TLS on port ${running.tlsPort}`;
  const standby = running.standingBy === undefined ? '' : `, standing by for ${running.standingBy}`;
  // the Redis URL may carry a password: never printed
  console.log(
    `gearbox gears server ready on ${running.host}:${running.port} (Redis ${redactUrl(options.redis)}, shard ${running.engine.shardId}${auth}${tls}${standby})`,
  );
}
