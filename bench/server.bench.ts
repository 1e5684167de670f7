// The whole request path in one process, without the network: bytes arrive at a connection,
// are decoded, dispatched, run against a keyspace of 100,000 keys, and the replies encoded and
// handed to the socket, exactly as in the server (src/connection.ts) but with a socket that
// counts what it is given and takes it as sent at once (lib/socket.ts). One iteration is one
// pipelined batch of 16 requests with random keys, as `redis-benchmark -P 16 -r 100000` sends
// them; divide by 16 for a request.
import { Server } from "../src/server.ts";
import { defaultConfig } from "../src/config.ts";
import { benchKey } from "./lib/load.ts";
import { CommandWriter } from "./lib/resp.ts";
import { connectInstant } from "./lib/socket.ts";

const KEYS = 100_000;
const BATCH = 16;
/** Distinct batches cycled through, so that keys vary as under redis-benchmark -r. */
const BATCHES = 4096;
const writer = new CommandWriter();

/** BATCHES batches of BATCH requests each, the arguments of each made by `make` from a random key. */
function batches(make: (key: string) => string[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let b = 0; b < BATCHES; b++) {
    writer.clear();
    for (let i = 0; i < BATCH; i++) {
      writer.command(make(randomKey()));
    }
    out.push(writer.bytes().slice());
  }
  return out;
}

/** One of the KEYS keys, at random. */
function randomKey(): string {
  return benchKey(Math.floor(Math.random() * KEYS));
}

/** `n` random keys, each followed by `value`. */
function randomPairs(n: number, value: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < n; i++) out.push(randomKey(), value);
  return out;
}

const server = new Server(defaultConfig({ metricsBind: null }));
const socket = connectInstant(server);
// Loaded through the request path, so that keys and values are the flat strings a SET stores.
for (let i = 0; i < KEYS; i += BATCH) {
  writer.clear();
  for (let j = i; j < i + BATCH; j++) writer.command(["SET", benchKey(j), "x".repeat(16)]);
  socket.receive(writer.bytes().slice());
}
// A list of 100 elements of 16 bytes, for LRANGE's 2.3 KB replies (redis-benchmark's LRANGE_100).
writer.clear();
writer.command(["RPUSH", "mylist", ...Array.from({ length: 100 }, () => "z".repeat(16))]);
socket.receive(writer.bytes().slice());
// A queue of 100,000 elements, for pushes at one end and pops at the other.
for (let i = 0; i < 100_000; i += 500) {
  writer.clear();
  writer.command(["RPUSH", "queue", ...Array.from({ length: 500 }, () => "q".repeat(16))]);
  socket.receive(writer.bytes().slice());
}

const value = "y".repeat(16);
/** Alternates LPUSH and RPOP. */
let turn = 0;
const workloads: [string, Uint8Array[]][] = [
  ["PING", batches(() => ["PING"])],
  ["GET", batches((k) => ["GET", k])],
  ["GET (missing key)", batches((k) => ["GET", "x" + k.slice(1)])],
  ["SET", batches((k) => ["SET", k, value])],
  ["INCR", batches((k) => ["INCR", "counter:" + k.slice(-5)])],
  ["LRANGE 0 99", batches(() => ["LRANGE", "mylist", "0", "99"])],
  // Half LPUSH, half RPOP: the queue keeps its length, its nodes come and go at the ends.
  ["LPUSH/RPOP", batches(() => (++turn & 1) === 0 ? ["LPUSH", "queue", value] : ["RPOP", "queue"])],
  // redis-benchmark's MSET: ten random keys.
  ["MSET", batches(() => ["MSET", ...randomPairs(10, value)])],
  // redis-benchmark's SADD: one set, a member per random key.
  ["SADD", batches((k) => ["SADD", "myset", "element:" + k.slice(-12)])],
  // redis-benchmark's HSET: one hash, a field per random key.
  ["HSET", batches((k) => ["HSET", "myhash", "element:" + k.slice(-12), value])],
  // redis-benchmark's ZADD: a member and a 12-digit score, each random on its own, so that most
  // calls move a member in the tree.
  ["ZADD", batches((k) => ["ZADD", "myzset", randomKey().slice(-12), "element:" + k.slice(-12)])],
];
for (const [name, list] of workloads) {
  let b = 0;
  Deno.bench(`${BATCH} pipelined ${name}, ${KEYS.toLocaleString("en")} keys`, {
    group: "request path",
  }, () => {
    socket.receive(list[b]);
    b = (b + 1) % BATCHES;
  });
}
