// `deno task compare`: measures keyval against the reference redis-server with redis-benchmark
// (throughput, p50/p99 latency, server CPU per request), plus memory per key and whether
// throughput stays flat as the keyspace grows, and checks the results against the performance
// issue's targets. Writes a Markdown report to bench/results/.
//
// Flags (env in parentheses): --rounds N (ROUNDS, default 3), --scale X (SCALE: multiplies every
// -n), --keys N (MEMORY_KEYS: keys for the memory and flatness tests, default 1,000,000),
// --only SET,GET (workload names), --quick (1 round,
// scale 0.1, no memory/flatness tests unless --keys is given, no latest.md), --no-redis,
// --no-write, --no-overhead (skip "metrics on vs off": SET and GET -P 16 and SET against a second
// keyval started with --latency-tracking no --metrics-bind off), --no-floor (skip the I/O floor:
// lib/floor_server.ts, a Deno server that answers +OK to everything, measured beside the others
// on SET, GET, INCR and MSET), --no-bind (BIND=0: leave the processes where the scheduler puts
// them; by default every server is bound to the CPU that walks memory fastest at the start and
// redis-benchmark, with this process, to the others: lib/affinity.ts says why). Each run writes
// bench/results/compare-<date>.md and latest.md.
import { parseArgs } from "node:util";
import { type BenchRow, runBenchmark } from "./lib/benchmark.ts";
import { RespClient } from "./lib/client.ts";
import { loadKeys } from "./lib/load.ts";
import {
  clockTicksPerSecond,
  cpuInfo,
  cpuTicks,
  loadAverage,
  rssAtRest,
  rssBytes,
} from "./lib/procfs.ts";
import {
  type Flatness,
  type MachineInfo,
  type Measured,
  type Memory,
  type Overhead,
  OVERHEAD_TARGET,
  overheadOf,
  pairedRatio,
  renderReport,
  type Result,
  type WorkloadResults,
} from "./lib/report.ts";
import {
  type BenchServer,
  bindServersTo,
  startFloor,
  startKeyval,
  startRedis,
  versionOf,
} from "./lib/servers.ts";
import {
  type Affinity,
  allowedCpus,
  bindSelf,
  fastest,
  formatLoopMs,
  loopMs,
  splitCpus,
} from "./lib/affinity.ts";
import { median } from "./lib/stats.ts";

/** One redis-benchmark workload; add a row here to measure another command. */
export interface Workload {
  /** Label in the report. */
  name: string;
  /** redis-benchmark's -t value, or a command line of its own (words parted by spaces). */
  test: string;
  /** The CSV row to report (a test name, matched exactly or up to " ("). */
  row: string;
  /** Commands per pipelined write (-P). */
  pipeline: number;
  /** -n at scale 1, sized for roughly 1-3 s against either server on a 2-core machine. */
  requests: number;
  /** Smallest acceptable keyval/redis requests/s ratio; undefined means no target yet. */
  rpsTarget?: number;
}

/** `SET` with a TTL, its 16-byte value as `-d 16` makes (redis-benchmark's custom commands get none). */
const SET_EX = `SET key:__rand_int__ ${"x".repeat(16)} EX 1000`;

/** The issue's workloads, all run with `-c 50 -r 100000 -d 16`. */
const WORKLOADS: Workload[] = [
  { name: "SET", test: "set", row: "SET", pipeline: 1, requests: 200_000, rpsTarget: 1.0 },
  { name: "GET", test: "get", row: "GET", pipeline: 1, requests: 200_000, rpsTarget: 1.0 },
  { name: "SET -P 16", test: "set", row: "SET", pipeline: 16, requests: 1_000_000, rpsTarget: 1.0 },
  { name: "GET -P 16", test: "get", row: "GET", pipeline: 16, requests: 1_000_000, rpsTarget: 1.0 },
  // A cache's usual write, a value with a time to live: no requests/s target of its own.
  { name: "SET EX", test: SET_EX, row: SET_EX, pipeline: 1, requests: 200_000 },
  { name: "SET EX -P 16", test: SET_EX, row: SET_EX, pipeline: 16, requests: 1_000_000 },
  { name: "INCR", test: "incr", row: "INCR", pipeline: 1, requests: 200_000, rpsTarget: 0.9 },
  {
    name: "INCR -P 16",
    test: "incr",
    row: "INCR",
    pipeline: 16,
    requests: 1_000_000,
    rpsTarget: 0.9,
  },
  { name: "MSET", test: "mset", row: "MSET", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  {
    name: "MSET -P 16",
    test: "mset",
    row: "MSET",
    pipeline: 16,
    requests: 200_000,
    rpsTarget: 0.9,
  },
  // The collection types (issue 5): each at least 0.9 of Redis's rate.
  { name: "LPUSH", test: "lpush", row: "LPUSH", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  { name: "RPOP", test: "rpop", row: "RPOP", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  // -t lrange_100 first runs an LPUSH test to fill the list; the row picks the LRANGE one.
  {
    name: "LRANGE_100",
    test: "lrange_100",
    row: "LRANGE_100",
    pipeline: 1,
    requests: 50_000,
    rpsTarget: 0.9,
  },
  { name: "SADD", test: "sadd", row: "SADD", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  { name: "HSET", test: "hset", row: "HSET", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  { name: "SPOP", test: "spop", row: "SPOP", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  { name: "ZADD", test: "zadd", row: "ZADD", pipeline: 1, requests: 100_000, rpsTarget: 0.9 },
  {
    name: "ZPOPMIN",
    test: "zpopmin",
    row: "ZPOPMIN",
    pipeline: 1,
    requests: 100_000,
    rpsTarget: 0.9,
  },
];

const CLIENTS = 50;
const KEYSPACE = 100_000;
const VALUE_BYTES = 16;
/** -n at scale 1 for the pipelined flatness runs and the JIT warm-up. */
const FLAT_REQUESTS = 1_000_000;
const WARMUP_REQUESTS = 300_000;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    rounds: { type: "string" },
    scale: { type: "string" },
    keys: { type: "string" },
    only: { type: "string" },
    quick: { type: "boolean", default: false },
    "no-redis": { type: "boolean", default: false },
    "no-write": { type: "boolean", default: false },
    "no-overhead": { type: "boolean", default: false },
    "no-floor": { type: "boolean", default: false },
    "no-bind": { type: "boolean", default: false },
    help: { type: "boolean", default: false },
  },
});
if (flags.help) {
  console.log(
    "usage: deno task compare [--quick] [--rounds N] [--scale X] [--keys N] [--only SET,GET]" +
      " [--no-redis] [--no-write] [--no-overhead] [--no-floor] [--no-bind]",
  );
  Deno.exit(0);
}

/** A positive number from a flag, then an env variable, then a default. */
function numberSetting(flag: keyof typeof flags, env: string, def: number): number {
  const raw = (flags[flag] as string | undefined) ?? Deno.env.get(env);
  if (raw === undefined) return def;
  const n = Number(raw.replaceAll("_", ""));
  if (!(n > 0)) {
    console.error(`compare: --${flag} (or ${env}) must be a positive number, got "${raw}"`);
    Deno.exit(2);
  }
  return n;
}

const quick = flags.quick;
const rounds = Math.round(numberSetting("rounds", "ROUNDS", quick ? 1 : 3));
const scale = numberSetting("scale", "SCALE", quick ? 0.1 : 1);
const keysGiven = flags.keys ?? Deno.env.get("MEMORY_KEYS");
const memoryKeys = quick && keysGiven === undefined
  ? 0
  : Math.round(numberSetting("keys", "MEMORY_KEYS", 1_000_000));
const only = flags.only?.split(",").map((s) => s.trim().toUpperCase());
const workloads = WORKLOADS.filter((w) =>
  only === undefined || only.includes(w.name.toUpperCase())
);
if (workloads.length === 0) {
  console.error(`compare: no workload matches --only ${flags.only}`);
  Deno.exit(2);
}
const scaled = (n: number) => Math.max(1000, Math.round(n * scale));

const tck = await clockTicksPerSecond();
const noBind = flags["no-bind"] || Deno.env.get("BIND") === "0";
// How fast each vCPU walks memory, at the start and again at the end: on this VM one is often
// far slower than the other, and that costs keyval more than Redis (README, "Development"). The
// servers get the faster one at the start, and the report says how fast each was.
const probed = await allowedCpus() ?? [];
const speedAtStart = await loopMs(probed);
const affinity: Affinity | undefined = noBind
  ? undefined
  : splitCpus(probed, fastest(probed, speedAtStart));
if (affinity) {
  // redis-benchmark, started from here, inherits this process's CPUs; the servers are bound apart.
  await bindSelf(affinity.client);
  bindServersTo(affinity.servers);
}
const redisVersion = flags["no-redis"] ? undefined : await versionOf("redis-server");
const benchmarkVersion = await versionOf("redis-benchmark");
if (!benchmarkVersion) {
  console.error("compare: redis-benchmark is not installed; it drives every measurement.");
  Deno.exit(1);
}

const servers: BenchServer[] = [];
/** The I/O floor, measured beside the servers on the workloads FLOOR_TESTS names. */
let floor: BenchServer | undefined;
/** Workloads where +OK stands in for the real reply without changing what the client does. */
const FLOOR_TESTS = ["set", "get", "incr", "mset"];
let stopping = false;
async function stopAll(): Promise<void> {
  await Promise.all([...servers, ...(floor ? [floor] : [])].map((s) => s.stop()));
}
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  Deno.addSignalListener(signal, async () => {
    if (stopping) return;
    stopping = true;
    console.error(`\ncompare: ${signal}, stopping servers`);
    await stopAll();
    Deno.exit(130);
  });
}

const log = (msg: string) => console.error(`[${new Date().toISOString().slice(11, 19)}] ${msg}`);

/** Sends one command to a server on a fresh connection. */
async function call(s: BenchServer, ...args: string[]) {
  const c = await RespClient.connect(s.host, s.port, 60_000);
  try {
    return await c.ok(...args);
  } finally {
    c.close();
  }
}

/** One redis-benchmark run plus the server's CPU ticks around it. */
async function measure(
  s: BenchServer,
  test: string,
  row: string,
  pipeline: number,
  keyspace: number,
  requests: number,
): Promise<Result> {
  const before = cpuTicks(s.pid);
  const out = await runBenchmark(s.host, s.port, [
    "-c",
    String(CLIENTS),
    "-r",
    String(keyspace),
    "-d",
    String(VALUE_BYTES),
    "-n",
    String(requests),
    "-P",
    String(pipeline),
    ...(test.includes(" ") ? test.split(" ") : ["-t", test]),
  ]);
  const ticks = cpuTicks(s.pid) - before;
  if (out.kind === "unknown") return { kind: "n/a", why: out.message };
  if (out.kind === "error") return { kind: "error", why: out.message };
  const r = out.rows.find((r: BenchRow) => r.test === row || r.test.startsWith(`${row} (`));
  if (!r) return { kind: "error", why: `no "${row}" row in: ${out.rows.map((r) => r.test)}` };
  // Some -t tests run a preparatory test first (LRANGE runs LPUSH): CPU covers all of them.
  const cpuUs = (ticks / tck) * 1e6 / (requests * out.rows.length);
  return { kind: "ok", rps: r.rps, p50: r.p50Ms, p99: r.p99Ms, cpuUs };
}

/** Medians over rounds; n/a or error if no round succeeded. */
function combine(results: Result[]): Result {
  const ok = results.filter((r) => r.kind === "ok");
  if (ok.length === 0) return results.find((r) => r.kind === "n/a") ?? results[0];
  return {
    kind: "ok",
    rps: median(ok.map((r) => r.rps)),
    p50: median(ok.map((r) => r.p50)),
    p99: median(ok.map((r) => r.p99)),
    cpuUs: median(ok.map((r) => r.cpuUs)),
  };
}

/** Runs the same benchmark on every server given, alternating which goes first each round. */
async function alternate(
  label: string,
  test: string,
  row: string,
  pipeline: number,
  keyspace: number,
  requests: number,
  on: BenchServer[] = servers,
): Promise<Measured> {
  const per = new Map<string, Result[]>(on.map((s) => [s.name, []]));
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 ? [...on].reverse() : on;
    for (const s of order) {
      // A server already settled (its command is n/a) is not run again.
      if (per.get(s.name)!.length > round) continue;
      const r = await measure(s, test, row, pipeline, keyspace, requests);
      per.get(s.name)!.push(r);
      const shown = r.kind === "ok"
        ? `${Math.round(r.rps)} rps p50 ${r.p50} p99 ${r.p99} cpu ${r.cpuUs.toFixed(2)} us/op`
        : `${r.kind}: ${r.why}`;
      log(`${label} round ${round + 1}/${rounds} ${s.name}: ${shown}`);
      // A command the server lacks stays lacking: do not repeat the run.
      if (r.kind === "n/a") {
        for (let i = round + 1; i < rounds; i++) per.get(s.name)!.push(r);
      }
    }
  }
  return {
    byServer: new Map([...per].map(([name, rs]) => [name, combine(rs)])),
    rounds: per,
  };
}

/** FLUSHALL, RSS, load `count` keys, wait for DBSIZE, RSS again. */
async function memoryTest(s: BenchServer, count: number): Promise<Memory> {
  await call(s, "FLUSHALL");
  const before = rssBytes(s.pid);
  const t0 = performance.now();
  await loadKeys(s.host, s.port, count, VALUE_BYTES);
  const deadline = Date.now() + 60_000;
  let size = 0;
  while ((size = Number(await call(s, "DBSIZE"))) < count) {
    if (Date.now() > deadline) throw new Error(`${s.name}: DBSIZE stuck at ${size} < ${count}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  // Let the server finish whatever it does after the last reply before reading RSS.
  await new Promise((r) => setTimeout(r, 1000));
  const after = rssBytes(s.pid);
  const secs = (performance.now() - t0) / 1000;
  log(`${s.name}: loaded ${count} keys in ${secs.toFixed(1)} s, RSS ${before} -> ${after}`);
  const atRest = await rssAtRest(s.pid);
  log(`${s.name}: RSS at rest ${atRest}`);
  return {
    keys: count,
    before,
    after,
    perKey: (after - before) / count,
    atRest,
    perKeyAtRest: (atRest - before) / count,
  };
}

const started = new Date();
const { model, cores } = cpuInfo();
const gitHead = await gitDescribe();
const machine: MachineInfo = {
  date: started.toISOString(),
  cpu: model,
  cores,
  os: `${Deno.build.os} ${Deno.build.arch}, kernel ${Deno.osRelease()}`,
  deno: `${Deno.version.deno} (v8 ${Deno.version.v8})`,
  redis: redisVersion ?? (flags["no-redis"] ? "skipped (--no-redis)" : "not installed"),
  benchmark: benchmarkVersion,
  keyval: gitHead,
  settings: `${rounds} round(s), scale ${scale}, -c ${CLIENTS} -r ${KEYSPACE} -d ${VALUE_BYTES}` +
    (quick ? ", quick" : ""),
  affinity: affinity
    ? `every server bound to CPU ${affinity.servers} (the faster at the start), ` +
      `redis-benchmark and the loads to ${affinity.client}`
    : noBind
    ? "not bound (--no-bind)"
    : "not bound (one CPU, or no taskset)",
  load: String(loadAverage()),
  cpuSpeed: formatLoopMs(probed, speedAtStart),
};

const results: WorkloadResults[] = [];
const overhead: Overhead[] = [];
const memory = new Map<string, Memory>();
const flatness: Flatness[] = [];
try {
  log(`starting keyval${redisVersion ? " and redis-server" : ""}`);
  servers.push(await startKeyval());
  if (redisVersion) servers.push(await startRedis());
  else log("redis-server not installed (or --no-redis): measuring keyval only");
  if (!flags["no-floor"]) floor = await startFloor();
  for (const s of [...servers, ...(floor ? [floor] : [])]) {
    log(`${s.name}: port ${s.port}, pid ${s.pid}`);
  }

  // Memory first, on servers that have served nothing yet, so earlier garbage cannot hide in RSS.
  if (memoryKeys > 0) {
    for (const s of servers) memory.set(s.name, await memoryTest(s, memoryKeys));
  }

  // Warm up keyval's JIT (and both servers' allocators) before anything is timed, and again
  // after a big FLUSHALL so freeing the old keyspace is not billed to the next measurement.
  const warmUp = async (keyspace: number, on: BenchServer[] = servers) => {
    for (const s of on) {
      for (const t of ["set", "get"]) {
        await measure(s, t, t.toUpperCase(), 16, keyspace, scaled(WARMUP_REQUESTS));
      }
    }
  };
  await warmUp(memoryKeys > 0 ? memoryKeys : KEYSPACE);
  if (floor) await warmUp(KEYSPACE, [floor]);

  if (memoryKeys > 0) {
    // With the big keyspace still loaded: SET and GET over all of it, then over 1,000 keys.
    const big = new Map<string, Measured>();
    for (const t of ["SET", "GET"]) {
      big.set(
        t,
        await alternate(
          `${t} -P 16 -r ${memoryKeys}`,
          t.toLowerCase(),
          t,
          16,
          memoryKeys,
          scaled(FLAT_REQUESTS),
        ),
      );
    }
    for (const s of servers) await call(s, "FLUSHALL");
    await warmUp(1000);
    for (const t of ["SET", "GET"]) {
      const small = await alternate(
        `${t} -P 16 -r 1000`,
        t.toLowerCase(),
        t,
        16,
        1000,
        scaled(FLAT_REQUESTS),
      );
      flatness.push({
        name: `${t} -P 16`,
        small: 1000,
        big: memoryKeys,
        atSmall: small.byServer,
        atBig: big.get(t)!.byServer,
      });
    }
  }

  for (const s of servers) await call(s, "FLUSHALL");
  for (const w of workloads) {
    const measured = await alternate(
      w.name,
      w.test,
      w.row,
      w.pipeline,
      KEYSPACE,
      scaled(w.requests),
      floor && FLOOR_TESTS.includes(w.test) ? [...servers, floor] : servers,
    );
    results.push({ workload: w, ...measured });
  }

  if (!flags["no-overhead"]) {
    // Metrics on vs off: two keyvals started for this, one as `deno task start` runs it and one
    // that neither times commands nor serves /metrics, warmed up alike and alternating each
    // round. Against the keyval above, which has served every workload and held the memory
    // test's 1M keys, "on" read 3-11% slower than either measures alone.
    const on = await startKeyval("keyval-metrics");
    const off = await startKeyval("keyval-no-metrics", [
      "--latency-tracking",
      "no",
      "--metrics-bind",
      "off",
    ]);
    servers.push(on, off);
    for (const s of [on, off]) log(`${s.name}: port ${s.port}, pid ${s.pid}`);
    await warmUp(KEYSPACE, [on, off]);
    // Pipelined, where timing is shared by a batch, and unpipelined, where every command is a
    // batch of one and pays the two clock reads alone.
    const cases = [["SET", 16, FLAT_REQUESTS], ["GET", 16, FLAT_REQUESTS], ["SET", 1, 200_000]];
    for (const [t, pipeline, requests] of cases as [string, number, number][]) {
      const name = pipeline > 1 ? `${t} -P ${pipeline}` : t;
      const per = new Map<BenchServer, Result[]>([[on, []], [off, []]]);
      for (let round = 0; round < rounds; round++) {
        for (const s of round % 2 ? [off, on] : [on, off]) {
          const r = await measure(s, t.toLowerCase(), t, pipeline, KEYSPACE, scaled(requests));
          per.get(s)!.push(r);
          const shown = r.kind === "ok" ? `${Math.round(r.rps)} rps` : `${r.kind}: ${r.why}`;
          log(`${name} metrics ${s === on ? "on" : "off"} round ${round + 1}/${rounds}: ${shown}`);
        }
      }
      const byRound = new Map([["on", per.get(on)!], ["off", per.get(off)!]]);
      const o = {
        name,
        on: combine(per.get(on)!),
        off: combine(per.get(off)!),
        paired: pairedRatio({ byServer: new Map(), rounds: byRound }, "on", "off", (r) => r.rps),
      };
      overhead.push(o);
      const x = overheadOf(o);
      log(
        `${name}: metrics overhead ${
          x === undefined ? "not measured" : `${(x * 100).toFixed(1)}%`
        }` +
          ` (target <= ${OVERHEAD_TARGET * 100}%)`,
      );
    }
  }
} finally {
  await stopAll();
}
machine.load += ` / ${loadAverage()}`;
machine.cpuSpeed += ` / ${formatLoopMs(probed, await loopMs(probed))}`;

const report = renderReport({
  machine,
  results,
  memory,
  flatness,
  redis: redisVersion !== undefined,
  overhead,
});
console.log(report);

if (!flags["no-write"]) {
  const dir = new URL("./results/", import.meta.url);
  await Deno.mkdir(dir, { recursive: true });
  const stamp = started.toISOString().slice(0, 16).replace("T", "-").replace(":", "");
  const name = `compare-${stamp}${quick ? "-quick" : ""}.md`;
  await Deno.writeTextFile(new URL(name, dir), report);
  if (!quick) await Deno.writeTextFile(new URL("latest.md", dir), report);
  log(`wrote bench/results/${name}${quick ? "" : " and bench/results/latest.md"}`);
}

/** The keyval commit being measured, marked dirty when the work tree has changes. */
async function gitDescribe(): Promise<string> {
  try {
    const cwd = new URL("..", import.meta.url).pathname;
    const run = async (...args: string[]) =>
      new TextDecoder().decode(
        (await new Deno.Command("git", { args, cwd, stdout: "piped", stderr: "null" }).output())
          .stdout,
      ).trim();
    const head = await run("rev-parse", "--short", "HEAD");
    const dirty = await run("status", "--porcelain", "--", "src", "main.ts");
    return head ? `${head}${dirty ? " + uncommitted changes in src/" : ""}` : "unknown";
  } catch {
    return "unknown";
  }
}
