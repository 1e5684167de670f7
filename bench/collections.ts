// Memory per element of the collection types, keyval beside redis-server: for each of list,
// hash, set and sorted set, a fresh server of each kind gets one key holding N elements with
// 16-byte members (hash fields carry 16-byte values too), and the RSS growth is divided by N:
// 1 s after the load, and again at rest (lib/procfs.ts, rssAtRest), when keyval's V8 heap has
// dropped the loading's garbage. Fresh servers per type, because freed memory does not reliably
// go back to the OS in either. Then a second key of N elements is loaded beside the first and its
// growth at rest is reported too: the cost of an element once the server is warm. keyval's first
// load also pays, once, for compiling its code, the binary's pages it touches, V8's young
// generation and the allocator's pools (~35-45 MB: a first 1M-element list took 57-65 B an element
// at rest, a second 18-21).
//
// deno task compare-collections [--elements N] [--no-redis] [--no-write]
// (env COLLECTION_ELEMENTS; default 1,000,000). Prints a Markdown table and writes it to
// bench/results/collections-latest.md.
import { parseArgs } from "node:util";
import { RespClient } from "./lib/client.ts";
import type { Arg } from "./lib/resp.ts";
import { RespError } from "./lib/resp.ts";
import { MAX_REST_SECONDS, REST_SECONDS, rssAtRest, rssBytes } from "./lib/procfs.ts";
import { type BenchServer, startKeyval, startRedis, versionOf } from "./lib/servers.ts";
import { markdownTable } from "./lib/report.ts";

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    elements: { type: "string" },
    "no-redis": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
  },
});
const elements = Number(flags.elements ?? Deno.env.get("COLLECTION_ELEMENTS") ?? 1_000_000);
if (!Number.isSafeInteger(elements) || elements < 1) {
  console.error(`collections: --elements must be a positive integer, got "${flags.elements}"`);
  Deno.exit(2);
}

const PER_COMMAND = 500;
const COMMANDS_PER_WRITE = 20;

/** A 16-byte member, distinct per index, that no type stores as an integer. */
function member(i: number): string {
  return "m" + String(i).padStart(15, "0");
}

/** How each type is loaded: the command and the arguments one element adds. */
const TYPES: { type: string; command: string; element: (i: number) => Arg[] }[] = [
  { type: "list", command: "RPUSH", element: (i) => [member(i)] },
  { type: "hash", command: "HSET", element: (i) => [member(i), "v" + member(i).slice(1)] },
  { type: "set", command: "SADD", element: (i) => [member(i)] },
  { type: "zset", command: "ZADD", element: (i) => [i * 1.5, member(i)] },
];

/** Loads `count` elements into `key` on server `s` with pipelined commands. */
async function load(
  s: BenchServer,
  key: string,
  command: string,
  element: (i: number) => Arg[],
  count: number,
) {
  const client = await RespClient.connect(s.host, s.port, 120_000);
  try {
    let next = 0;
    while (next < count) {
      const batch: Arg[][] = [];
      for (let c = 0; c < COMMANDS_PER_WRITE && next < count; c++) {
        const args: Arg[] = [command, key];
        for (let k = 0; k < PER_COMMAND && next < count; k++, next++) args.push(...element(next));
        batch.push(args);
      }
      for (const r of await client.pipeline(batch)) {
        if (r instanceof RespError) throw new Error(`${s.name} ${command}: ${r.message}`);
      }
    }
    const ok = await client.ok("TYPE", key);
    if (ok !== TYPES.find((t) => t.command === command)!.type) {
      throw new Error(`${s.name}: TYPE ${key} is ${ok}`);
    }
  } finally {
    client.close();
  }
}

/**
 * Bytes per element on a fresh server of `start`'s kind: 1 s after loading a first key, at rest,
 * and at rest after loading a second key beside it.
 */
async function measure(
  start: () => Promise<BenchServer>,
  t: (typeof TYPES)[number],
): Promise<[number, number, number]> {
  const s = await start();
  try {
    const before = rssBytes(s.pid);
    await load(s, "c", t.command, t.element, elements);
    // Let the server finish what follows the last reply (a scavenge, say) before reading RSS.
    await new Promise((r) => setTimeout(r, 1000));
    const after = rssBytes(s.pid);
    const atRest = await rssAtRest(s.pid);
    await load(s, "c2", t.command, t.element, elements);
    const second = await rssAtRest(s.pid);
    console.error(
      `${s.name} ${t.type}: RSS ${before} -> ${after}, at rest ${atRest}, second key ${second}`,
    );
    return [
      (after - before) / elements,
      (atRest - before) / elements,
      (second - atRest) / elements,
    ];
  } finally {
    await s.stop();
  }
}

const redisVersion = flags["no-redis"] ? undefined : await versionOf("redis-server");
const rows: string[][] = [];
for (const t of TYPES) {
  const kv = await measure(startKeyval, t);
  const rd = redisVersion ? await measure(startRedis, t) : undefined;
  const row = [t.type];
  for (const i of [0, 1, 2]) {
    row.push(
      kv[i].toFixed(1),
      rd === undefined ? "n/a" : rd[i].toFixed(1),
      rd === undefined ? "n/a" : (kv[i] / rd[i]).toFixed(2),
    );
  }
  rows.push(row);
}
const report = `# Memory per collection element\n\n` +
  `${new Date().toISOString()}, ${elements} elements of 16 bytes in one key, ` +
  `redis: ${redisVersion ?? "not measured"}\n\n` +
  markdownTable(
    [
      "type",
      "keyval B/element",
      "redis B/element",
      "keyval/redis",
      "keyval at rest",
      "redis at rest",
      "at rest keyval/redis",
      "keyval, second key",
      "redis, second key",
      "second key keyval/redis",
    ],
    rows,
    [false, true, true, true, true, true, true, true, true, true],
  ) + "\n\n" +
  "RSS growth of a fresh server per type, read 1 s after loading and again at rest (once it " +
  `has not fallen for ${REST_SECONDS} s, at most ${MAX_REST_SECONDS} s): keyval's falls ~25 s ` +
  "after the load, when V8's memory reducer collects the garbage the loading left. Second " +
  "key: the RSS growth at rest when a second key of as many elements is loaded beside the first, " +
  "what an element costs once the server has paid what it pays once.\n";
console.log(report);
if (!flags["no-write"]) {
  await Deno.writeTextFile(new URL("./results/collections-latest.md", import.meta.url), report);
}
