// The gears server's public API: the server, the command table contract, and the reply model.
export { GearsServer, DEFAULT_HOST, DEFAULT_PORT, type GearsServerOptions } from './server.js';
export { reserveListeners, type ReservedListeners } from './listeners.js';
export { type CommandContext, type CommandHandler, type CommandTable, RESERVED_COMMANDS } from './commands.js';
export { type Reply, SimpleString, ErrorReply, MapReply, SetReply, DoubleReply, ok, wrongArity } from './resp/reply.js';
export { encodeReply, encodeCommand, type Protocol } from './resp/encode.js';
export { parseRedisUrl, type RedisTarget } from './redis-url.js';
export { gearsCommands } from './rg/index.js';
export { syncWriteHooks, type SyncRegistrations, type WriteHooks } from './write-hooks.js';
export { checkProtectedMode, isLoopback } from './protected-mode.js';
export { readPem, type TlsAuthClients, type TlsListenerOptions } from './tls.js';
export { DEFAULT_CLIENT_LIMITS, parseOutputLimit, parseSize, type ClientLimits, type OutputLimit } from './limits.js';
