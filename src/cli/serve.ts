import { GearsCluster } from '../cluster/index.js';
import { Engine } from '../engine/index.js';
import { childLogger, setLogLevel, type LogLevel } from '../log/logger.js';
import { GearsServer } from '../server/index.js';
import { gearsCommands } from '../server/rg/index.js';

export interface ServeOptions {
  readonly redis: string;
  readonly host: string;
  readonly port: number;
  readonly password?: string;
  readonly threads?: number;
  readonly logLevel?: LogLevel;
}

export interface RunningServer {
  readonly host: string;
  readonly port: number;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** A gears server: the engine of one shard behind a RESP endpoint that proxies everything else to Redis. */
export async function startGearsServer(options: ServeOptions): Promise<RunningServer> {
  if (options.logLevel) setLogLevel(options.logLevel);
  const log = childLogger('server');
  const engine = await Engine.start({
    redisUrl: options.redis,
    config: options.threads ? { ExecutionThreads: options.threads } : undefined,
  });
  const cluster = await GearsCluster.attach(engine, { redisUrl: options.redis }).catch(async (err: Error) => {
    await engine.close();
    throw err;
  });
  const server = new GearsServer({
    redisUrl: options.redis,
    host: options.host,
    port: options.port,
    password: options.password,
    commands: gearsCommands(engine, cluster),
    logger: log,
  });
  const address = await server.listen();
  return {
    ...address,
    engine,
    async close() {
      await server.close();
      await cluster.close();
      await engine.close();
    },
  };
}

export async function serveCommand(options: ServeOptions): Promise<void> {
  const running = await startGearsServer(options).catch((err: Error) => {
    console.error(`gearbox serve: ${err.message}`);
    process.exit(1);
  });
  const shutdown = () => {
    void running.close().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const auth = options.password ? ', AUTH required' : '';
  console.log(
    `gearbox gears server ready on ${running.host}:${running.port} (Redis ${options.redis}, shard ${running.engine.shardId}${auth})`,
  );
}
