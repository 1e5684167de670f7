// The pipelined request batches of the in-process benchmarks (server.bench.ts, ab.ts): the data
// a fresh server is given first, and one list of batches per workload, shaped as redis-benchmark
// shapes its requests (`-P 16 -r 100000`). Built once, as bytes, so that every server measured
// gets exactly the same requests.
import { benchKey } from "./load.ts";
import { CommandWriter } from "./resp.ts";

/** Keys loaded, and the range random keys are drawn from. */
export const KEYS = 100_000;
/** Requests in a batch. */
export const BATCH = 16;
/** Distinct batches a workload cycles through, so that keys vary as under redis-benchmark -r. */
export const BATCHES = 4096;

const writer = new CommandWriter();
const value = "y".repeat(16);

/** One of the KEYS keys, at random. */
function randomKey(): string {
  return benchKey(Math.floor(Math.random() * KEYS));
}

/** `n` random keys, each followed by `value`. */
function randomPairs(n: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(randomKey(), value);
  return out;
}

/** `count` batches of BATCH requests each, the arguments of each made by `make` from a key. */
function batches(make: (key: string) => string[], count = BATCHES): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < count; b++) {
    writer.clear();
    for (let i = 0; i < BATCH; i++) writer.command(make(randomKey()));
    out.push(writer.bytes().slice());
  }
  return out;
}

/** The member the set, hash and sorted set workloads write for a key. */
function member(key: string): string {
  return "element:" + key.slice(-12);
}

/** One request per batch. */
function single(args: string[]): Uint8Array {
  writer.clear();
  writer.command(args);
  return writer.bytes().slice();
}

/**
 * What a fresh server is given before the workloads run, loaded through the request path so that
 * keys and values are the flat strings a SET stores: KEYS string keys, a list of 100 elements of
 * 16 bytes (for LRANGE's 2.3 KB replies, redis-benchmark's LRANGE_100), a queue of 100,000, and
 * the set, hash and sorted set the workloads write to with every member they will write, so that
 * these measure a collection in its steady state, not one growing (and resizing) as they run.
 */
export function setupBatches(): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let i = 0; i < KEYS; i += BATCH) {
    writer.clear();
    for (let j = i; j < i + BATCH; j++) writer.command(["SET", benchKey(j), "x".repeat(16)]);
    out.push(writer.bytes().slice());
  }
  out.push(single(["RPUSH", "mylist", ...Array.from({ length: 100 }, () => "z".repeat(16))]));
  for (let i = 0; i < 100_000; i += 500) {
    out.push(single(["RPUSH", "queue", ...Array.from({ length: 500 }, () => "q".repeat(16))]));
  }
  for (let i = 0; i < KEYS; i += 500) {
    const members = Array.from({ length: 500 }, (_, j) => member(benchKey(i + j)));
    out.push(single(["SADD", "myset", ...members]));
    out.push(single(["HSET", "myhash", ...members.flatMap((m) => [m, value])]));
    out.push(single(["ZADD", "myzset", ...members.flatMap((m, j) => [String(i + j), m])]));
  }
  return out;
}

/** The workloads, by name: BATCHES batches each. */
export function workloads(): Map<string, Uint8Array[]> {
  /** Alternates LPUSH and RPOP. */
  let turn = 0;
  return new Map([
    ["PING", batches(() => ["PING"])],
    ["GET", batches((k) => ["GET", k])],
    ["GET (missing key)", batches((k) => ["GET", "x" + k.slice(1)])],
    ["SET", batches((k) => ["SET", k, value])],
    ["INCR", batches((k) => ["INCR", "counter:" + k.slice(-5)])],
    ["LRANGE 0 99", batches(() => ["LRANGE", "mylist", "0", "99"])],
    // Half LPUSH, half RPOP: the queue keeps its length, its nodes come and go at the ends.
    [
      "LPUSH/RPOP",
      batches(() => (++turn & 1) === 0 ? ["LPUSH", "queue", value] : ["RPOP", "queue"]),
    ],
    // redis-benchmark's MSET: ten random keys.
    ["MSET", batches(() => ["MSET", ...randomPairs(10)])],
    // redis-benchmark's SADD: one set, a member per random key.
    ["SADD", batches((k) => ["SADD", "myset", member(k)])],
    // redis-benchmark's HSET: one hash, a field per random key.
    ["HSET", batches((k) => ["HSET", "myhash", member(k), value])],
    // redis-benchmark's ZADD: a member and a 12-digit score, each random on its own, so that most
    // calls move a member in the tree.
    ["ZADD", batches((k) => ["ZADD", "myzset", randomKey().slice(-12), member(k)])],
    // The `SET EX` rows of `deno task compare`. It gives the keys TTLs, so it comes after the
    // workloads that read them without one.
    ["SET EX", batches((k) => ["SET", k, value, "EX", "100000"])],
    // GETs of keys that SET EX gave a TTL: each lookup checks the key's time too.
    ["GET (keys with a TTL)", batches((k) => ["GET", k])],
  ]);
}
