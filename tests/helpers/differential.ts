// The differential harness: the same commands go to keyval and to a real redis-server 7, and
// the replies must be identical (type, value, exact error text); after each section the keyspace
// hit and miss counters of INFO must agree too. Each conformance_*_test.ts file holds the cases
// of one family and hands them to `differential`.
import assert from "node:assert/strict";
import { RawClient, type Reply, ReplyError } from "./raw.ts";
import { startServer } from "./server.ts";

/** True when `redis-server` can be run. */
function hasRedisServer(): boolean {
  try {
    return new Deno.Command("redis-server", { args: ["--version"], stdout: "null", stderr: "null" })
      .outputSync().success;
  } catch {
    return false;
  }
}

// CI installs redis-server (.ci/run), so there its absence must fail rather than skip.
const haveRedis = hasRedisServer();
export const ignore = !haveRedis && !Deno.env.get("CI");

/** A port nobody listens on right now (bind port 0, read it, let it go). */
function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

/** A redis-server subprocess on 127.0.0.1 without persistence. */
export interface RedisProcess {
  port: number;
  stop(): Promise<void>;
}

export async function startRedis(): Promise<RedisProcess> {
  if (!haveRedis) throw new Error("redis-server is not on PATH (CI requires it)");
  const port = freePort();
  const child = new Deno.Command("redis-server", {
    args: ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
    stdin: "null",
    stdout: "null",
    stderr: "null",
  }).spawn();
  const stop = async () => {
    try {
      Deno.kill(child.pid, "SIGTERM");
    } catch {
      // already gone
    }
    await child.status;
  };
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const c = await RawClient.connect(port);
      const pong = await c.call("PING");
      c.close();
      if (pong === "PONG") return { port, stop };
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`redis-server did not answer PING on port ${port}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** One step: a command whose replies must be equal, optionally after normalising them. */
export interface Step {
  args: string[];
  /** Applied to both replies before comparing (for order- or time-dependent replies). */
  norm?: (r: Reply) => Reply;
  /** A full SCAN iteration with these options; the sets of keys are compared. */
  scan?: boolean;
  /** Waits this many ms instead of sending a command (lets short TTLs pass on both servers). */
  pause?: number;
}

export type Case = string[] | Step;

/** KEYS and friends: same members, order free. */
export const sorted = (...args: string[]): Step => ({
  args,
  norm: (r) => Array.isArray(r) ? [...r].sort() : r,
});

/** INFO stats reduced to the keyspace hit and miss counters, which must move alike. */
const hitsAndMisses: Step = {
  args: ["INFO", "stats"],
  norm: (r) =>
    typeof r === "string"
      ? (r.match(/^keyspace_(hits|misses):\d+/gm) ?? ["no keyspace counters"]).join(" ")
      : r,
};

/** Lets `ms` pass on both servers. */
export const pause = (ms: number): Step => ({ args: [], pause: ms });

/** Runs a full SCAN iteration and returns the keys it saw, or the first non-array reply. */
async function scanKeys(c: RawClient, options: string[]): Promise<Reply> {
  const seen = new Set<string>();
  let cursor = "0";
  for (let calls = 0; calls < 10_000; calls++) {
    const r = await c.call("SCAN", cursor, ...options);
    if (!Array.isArray(r) || r.length !== 2 || !Array.isArray(r[1])) return r;
    for (const k of r[1]) seen.add(k as string);
    cursor = r[0] as string;
    if (cursor === "0") return [...seen].sort();
  }
  return "SCAN did not finish";
}

/** Prints a reply or command readably, with control and high bytes escaped. */
export function show(x: unknown): string {
  return JSON.stringify(x, (_, v) => {
    if (v instanceof ReplyError) return `(error) ${v.message}`;
    if (typeof v === "bigint") return `${v}n`;
    if (typeof v === "string" && v.length > 100) return `${v.slice(0, 40)}...(${v.length} bytes)`;
    return v;
  }).replace(/[\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16)}`);
}

/** A Deno test comparing keyval with redis-server over each named section of cases. */
export function differential(name: string, sections: Record<string, Case[]>): void {
  Deno.test({
    name,
    ignore,
    async fn(t) {
      const keyval = await startServer();
      let redis: RedisProcess | undefined;
      const clients: RawClient[] = [];
      try {
        redis = await startRedis();
        const kv = await RawClient.connect(keyval.port);
        const rd = await RawClient.connect(redis.port);
        clients.push(kv, rd);
        const info = await rd.call("INFO", "server");
        assert.match(String(info), /redis_version:7\./, "the reference is redis-server 7");
        for (const [name, cases] of Object.entries(sections)) {
          await t.step(name, async () => {
            assert.equal(await kv.call("FLUSHALL"), "OK");
            assert.equal(await rd.call("FLUSHALL"), "OK");
            assert.equal(await kv.call("CONFIG", "RESETSTAT"), "OK");
            assert.equal(await rd.call("CONFIG", "RESETSTAT"), "OK");
            const mismatches: string[] = [];
            for (const c of [...cases, hitsAndMisses]) {
              const step: Step = Array.isArray(c) ? { args: c } : c;
              if (step.pause !== undefined) {
                await new Promise((r) => setTimeout(r, step.pause));
                continue;
              }
              let a: Reply;
              let b: Reply;
              if (step.scan) {
                const options = step.args.slice(2);
                [a, b] = [await scanKeys(kv, options), await scanKeys(rd, options)];
              } else {
                [a, b] = [await kv.call(...step.args), await rd.call(...step.args)];
              }
              if (step.norm) [a, b] = [step.norm(a), step.norm(b)];
              try {
                assert.deepEqual(a, b);
              } catch {
                mismatches.push(
                  `${show(step.args)}\n    keyval: ${show(a)}\n    redis:  ${show(b)}`,
                );
              }
            }
            assert.deepEqual(
              mismatches,
              [],
              `replies differ from Redis:\n${mismatches.join("\n")}`,
            );
          });
        }
      } finally {
        for (const c of clients) c.close();
        await keyval.stop();
        await redis?.stop();
      }
    },
  });
}
