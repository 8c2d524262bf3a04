// The examples need a gears server: GEARS_URL names one, or they start a private redis-server and
// gears server (stopped again at the end), as the tests do.
import { startGearsProcess, startRedis } from '../../test/support/redis.js';

export interface Stack {
  readonly url: string;
  stop(): Promise<void>;
}

export async function gearsStack(): Promise<Stack> {
  if (process.env.GEARS_URL) return { url: process.env.GEARS_URL, stop: async () => undefined };
  const redis = await startRedis();
  const gears = await startGearsProcess(redis.url, ['--log-level', 'warn']);
  return {
    url: gears.url,
    async stop() {
      await gears.stop();
      await redis.stop();
    },
  };
}
