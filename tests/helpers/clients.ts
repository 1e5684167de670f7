// The real Redis client libraries the integration tests drive, set up one way everywhere:
// connecting explicitly and failing fast instead of retrying against a server that is gone.
import { Redis } from "ioredis";
import { createClient } from "redis";

/** An npm:ioredis client for keyval on 127.0.0.1:`port`; call `connect()` before use. */
export function ioredisClient(port: number): Redis {
  return new Redis({ host: "127.0.0.1", port, lazyConnect: true, maxRetriesPerRequest: 1 });
}

/** An npm:redis (node-redis) client for keyval on 127.0.0.1:`port`; call `connect()` first. */
export function nodeRedisClient(port: number): ReturnType<typeof createClient> {
  return createClient({ socket: { host: "127.0.0.1", port } });
}
