// Renders bench/compare.ts's measurements as Markdown: the targets table (keyval vs redis with
// ratio and pass/fail), memory per key, keyspace-size flatness, and the machine it ran on.

import { MAX_REST_SECONDS, REST_SECONDS } from "./procfs.ts";
import { median } from "./stats.ts";

/** One server's median result for one workload, or why there is none. */
export type Result =
  | { kind: "ok"; rps: number; p50: number; p99: number; cpuUs: number }
  | { kind: "n/a"; why: string }
  | { kind: "error"; why: string };

/** The workload fields the report needs. */
export interface WorkloadInfo {
  name: string;
  pipeline: number;
  rpsTarget?: number;
}

/** Medians and the rounds behind them, keyed by server name ("keyval", "redis"). */
export interface Measured {
  byServer: Map<string, Result>;
  rounds: Map<string, Result[]>;
}

/** One workload's results. */
export interface WorkloadResults extends Measured {
  workload: WorkloadInfo;
}

/** RSS before and after loading `keys` keys, and once it stopped falling (at rest). */
export interface Memory {
  keys: number;
  before: number;
  after: number;
  perKey: number;
  atRest: number;
  perKeyAtRest: number;
}

/** Throughput of one workload over a small and a big keyspace, per server. */
export interface Flatness {
  name: string;
  small: number;
  big: number;
  atSmall: Map<string, Result>;
  atBig: Map<string, Result>;
}

/** Where and how the comparison ran. */
export interface MachineInfo {
  date: string;
  cpu: string;
  cores: number;
  os: string;
  deno: string;
  redis: string;
  benchmark: string;
  keyval: string;
  settings: string;
  /** Which CPUs the servers and the client ran on (bench/lib/affinity.ts). */
  affinity: string;
  /** 1-minute load averages at start and end: other work on the machine skews every number. */
  load: string;
  /** Each CPU's time for one fixed loop, at start and end (bench/lib/affinity.ts `loopMs`). */
  cpuSpeed: string;
}

/** One workload against keyval with metrics on and with them off. */
export interface Overhead {
  name: string;
  on: Result;
  off: Result;
  /** on/off requests/s paired by round (see `pairedRatio`), when the rounds gave one. */
  paired?: number;
}

/** Most throughput that recording counts and latency may cost (the 3%). */
export const OVERHEAD_TARGET = 0.03;

/** 1 - on/off requests/s: the share of throughput metrics cost; undefined if not measured. */
export function overheadOf(o: Overhead): number | undefined {
  if (o.on.kind !== "ok" || o.off.kind !== "ok") return undefined;
  return 1 - (o.paired ?? o.on.rps / o.off.rps);
}

/** Everything the report shows. */
export interface ReportInput {
  machine: MachineInfo;
  results: WorkloadResults[];
  memory: Map<string, Memory>;
  flatness: Flatness[];
  /** Whether redis-server was measured (ratios and targets need it). */
  redis: boolean;
  /** Metrics on vs off (empty when not measured). */
  overhead?: Overhead[];
}

/** Which way a ratio must go to pass. */
interface Target {
  op: ">=" | "<=";
  value: number;
}

const DASH = "—";

const int = new Intl.NumberFormat("en-US", { maximumFractionDigits: 0 });
const fmt = (digits: number) => (n: number) => n.toFixed(digits);

/** A Markdown table with columns padded to equal width, so the text file reads well too. */
export function markdownTable(header: string[], rows: string[][], right: boolean[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length), 3));
  const line = (cells: string[]) =>
    "| " +
    cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(" | ") +
    " |";
  const rule = "|" +
    widths.map((w, i) => (right[i] ? ` ${"-".repeat(w - 1)}: ` : ` ${"-".repeat(w)} `))
      .join("|") +
    "|";
  return [line(header), rule, ...rows.map(line)].join("\n");
}

interface Tally {
  pass: string[];
  fail: string[];
}

/** A measured value, or why there is none. */
type Cell = number | "n/a" | "error" | undefined;

type Ok = Extract<Result, { kind: "ok" }>;

/**
 * Server `a`'s metric over server `b`'s, as the median of the rounds' own ratios. A round runs
 * the servers back to back, so its ratio cancels the machine's drift between rounds, which a
 * ratio of the medians does not: this machine's speed moves up to 2x from one minute to the next,
 * and a slow minute in one server's round and a fast one in the other's skewed whole rows.
 * Undefined when no round measured both.
 */
export function pairedRatio(
  m: Measured,
  a: string,
  b: string,
  pick: (r: Ok) => number,
): number | undefined {
  const as = m.rounds.get(a) ?? [];
  const bs = m.rounds.get(b) ?? [];
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(as.length, bs.length); i++) {
    const x = as[i];
    const y = bs[i];
    if (x.kind === "ok" && y.kind === "ok") ratios.push(pick(x) / pick(y));
  }
  return ratios.length ? median(ratios) : undefined;
}

/** One metric of a result as a table cell. */
function cellOf(r: Result | undefined, pick: (r: Ok) => number): Cell {
  return r === undefined ? undefined : r.kind === "ok" ? pick(r) : r.kind;
}

/**
 * One metric row of the targets table: both values, their ratio (`paired` when the rounds gave
 * one, else keyval/redis) and the target's verdict.
 */
function metricRow(
  tally: Tally,
  label: string,
  metric: string,
  keyval: Cell,
  redis: Cell,
  show: (n: number) => string,
  target: Target | undefined,
  hasRedis: boolean,
  paired?: number,
): string[] {
  const text = (c: Cell) => (c === undefined ? DASH : typeof c === "number" ? show(c) : c);
  const targetText = target ? `${target.op} ${target.value.toFixed(2)}` : DASH;
  if (!hasRedis) return [label, metric, text(keyval), DASH, DASH, targetText, DASH];
  let ratio = DASH;
  let result = DASH;
  if (typeof keyval === "number" && typeof redis === "number") {
    ratio = (paired ?? keyval / redis).toFixed(2);
    // Judge the ratio as shown, so the table never says 1.20 fails "<= 1.20".
    const r = Number(ratio);
    if (target) {
      const ok = target.op === ">=" ? r >= target.value : r <= target.value;
      result = ok ? "pass" : "FAIL";
      const what = `${label} ${metric}: ratio ${ratio}, target ${target.op} ${target.value}`;
      (ok ? tally.pass : tally.fail).push(what);
    }
  } else if (target) {
    result = keyval === "n/a" ? "n/a" : "error";
    if (result === "error") tally.fail.push(`${label} ${metric}: no measurement`);
  }
  return [label, metric, text(keyval), text(redis), ratio, targetText, result];
}

/** The whole Markdown report. */
export function renderReport(input: ReportInput): string {
  const { machine: m, results, memory, flatness, redis: hasRedis } = input;
  const tally: Tally = { pass: [], fail: [] };
  const rows: string[][] = [];
  for (const measured of results) {
    const { workload: w, byServer } = measured;
    const k = byServer.get("keyval");
    const r = byServer.get("redis");
    const rps: Target | undefined = w.rpsTarget === undefined
      ? undefined
      : { op: ">=", value: w.rpsTarget };
    const p99: Target | undefined = w.pipeline === 1 ? { op: "<=", value: 1 } : undefined;
    const cpu: Target = { op: "<=", value: w.pipeline > 1 ? 1.0 : 1.2 };
    const row = (
      metric: string,
      pick: (x: Ok) => number,
      show: (n: number) => string,
      target: Target | undefined,
    ) =>
      rows.push(
        metricRow(
          tally,
          w.name,
          metric,
          cellOf(k, pick),
          cellOf(r, pick),
          show,
          target,
          hasRedis,
          pairedRatio(measured, "keyval", "redis", pick),
        ),
      );
    row("requests/s", (x) => x.rps, int.format, rps);
    // A command keyval lacks gets one row: its other metrics would only repeat "n/a".
    if (k?.kind === "n/a") continue;
    row("p50 ms", (x) => x.p50, fmt(3), undefined);
    row("p99 ms", (x) => x.p99, fmt(3), p99);
    row("CPU µs/op", (x) => x.cpuUs, fmt(2), cpu);
  }
  const km = memory.get("keyval");
  if (km) {
    rows.push(metricRow(
      tally,
      `memory (${int.format(km.keys)} keys)`,
      "bytes/key",
      km.perKey,
      memory.get("redis")?.perKey,
      fmt(1),
      { op: "<=", value: 1.3 },
      hasRedis,
    ));
  }

  const out: string[] = [];
  out.push(`# keyval vs redis-server: ${m.date.slice(0, 10)}`, "");
  out.push(
    hasRedis
      ? "Ratios are keyval/redis. Higher is better for requests/s, lower for latency, CPU and " +
        "memory. Each number is the median over the rounds; servers alternate within a round. " +
        "A ratio is the median of the rounds' own ratios (each round runs the servers back to " +
        "back, which cancels the machine's drift between rounds), so it can differ from the " +
        "ratio of the two medians beside it."
      : "**redis-server was not measured (not installed, or --no-redis): keyval only, no ratios " +
        "and no target checks.**",
    "",
  );
  out.push(
    markdownTable(
      ["workload", "metric", "keyval", "redis", "ratio", "target", "result"],
      rows,
      [false, false, true, true, true, false, false],
    ),
    "",
  );
  if (hasRedis) {
    out.push(`**Targets: ${tally.pass.length} pass, ${tally.fail.length} fail.**`);
    if (tally.fail.length) out.push("", "Failing:", ...tally.fail.map((f) => `- ${f}`));
    out.push("");
  }

  const floors = results.filter((x) => x.byServer.get("floor")?.kind === "ok");
  if (floors.length) {
    out.push("## The I/O floor: what the runtime costs before keyval does anything", "");
    const ok = (r: Result | undefined) => (r?.kind === "ok" ? r : undefined);
    out.push(
      markdownTable(
        [
          "workload",
          "floor req/s",
          "floor CPU µs/op",
          "redis CPU µs/op",
          "floor/redis",
          "keyval CPU µs/op",
          "keyval/floor",
          "floor p99 ms",
          "redis p99 ms",
          "keyval p99 ms",
        ],
        floors.map((measured) => {
          const { workload: w, byServer } = measured;
          const f = ok(byServer.get("floor"))!;
          const r = ok(byServer.get("redis"));
          const k = ok(byServer.get("keyval"));
          const cpu = (x: Ok) => x.cpuUs;
          const ratio = (a: string, b: string) =>
            pairedRatio(measured, a, b, cpu)?.toFixed(2) ?? DASH;
          return [
            w.name,
            int.format(f.rps),
            f.cpuUs.toFixed(2),
            r ? r.cpuUs.toFixed(2) : DASH,
            r ? ratio("floor", "redis") : DASH,
            k ? k.cpuUs.toFixed(2) : DASH,
            k ? ratio("keyval", "floor") : DASH,
            f.p99.toFixed(3),
            r ? r.p99.toFixed(3) : DASH,
            k ? k.p99.toFixed(3) : DASH,
          ];
        }),
        [false, true, true, true, true, true, true, true, true, true],
      ),
      "",
      "The floor (bench/lib/floor_server.ts) is a Deno process that reads and writes as keyval " +
        "does (node:net read through onread, one write per read) and answers every request with +OK, doing nothing " +
        "else. Its CPU per request is the runtime's I/O path: floor/redis above the CPU target " +
        "means that target is out of reach for any server on this runtime, and keyval/floor is " +
        "what keyval's own work adds. Its p99 is the runtime's tail: a server doing nothing on " +
        "this runtime. Measured in the same rounds as keyval and redis, alternating.",
      "",
    );
  }

  if (input.overhead?.length) {
    out.push("## Metrics overhead: keyval with metrics on vs off", "");
    const cell = (r: Result) => (r.kind === "ok" ? int.format(r.rps) : r.kind);
    const cpu = (r: Result) => (r.kind === "ok" ? r.cpuUs.toFixed(2) : DASH);
    out.push(
      markdownTable(
        [
          "workload",
          "on req/s",
          "off req/s",
          "on CPU µs/op",
          "off CPU µs/op",
          "overhead",
          "result",
        ],
        input.overhead.map((o) => {
          const x = overheadOf(o);
          return [
            o.name,
            cell(o.on),
            cell(o.off),
            cpu(o.on),
            cpu(o.off),
            x === undefined ? DASH : `${(x * 100).toFixed(1)}%`,
            x === undefined ? DASH : x <= OVERHEAD_TARGET ? "pass" : "FAIL",
          ];
        }),
        [false, true, true, true, true, true, false],
      ),
      "",
      "On: the default (per-command counts and latency histograms, /metrics served on a free " +
        "port). Off: `--latency-tracking no --metrics-bind off` (no histograms, no HTTP endpoint; " +
        "commands are still counted and timed for INFO, as in Redis, whose cost " +
        `bench/timing.bench.ts measures). Target: overhead <= ${
          OVERHEAD_TARGET * 100
        }% of requests/s. Medians over the ` +
        "rounds, the two servers (both started for this and warmed up alike) alternating; the " +
        "overhead is the median of the rounds' own on/off ratios. A difference within the " +
        "rounds' spread is noise.",
      "",
    );
  }

  if (memory.size) {
    out.push("## Memory", "");
    out.push(
      markdownTable(
        [
          "server",
          "keys",
          "RSS before",
          "RSS after",
          "bytes/key",
          "RSS at rest",
          "bytes/key at rest",
        ],
        [...memory].map(([name, x]) => [
          name,
          int.format(x.keys),
          `${(x.before / 1e6).toFixed(1)} MB`,
          `${(x.after / 1e6).toFixed(1)} MB`,
          x.perKey.toFixed(1),
          `${(x.atRest / 1e6).toFixed(1)} MB`,
          x.perKeyAtRest.toFixed(1),
        ]),
        [false, true, true, true, true, true, true],
      ),
      "",
      "Keys are `key:` + 12 digits, values 16 distinct bytes, loaded by pipelined MSET after " +
        "FLUSHALL on a fresh server; RSS is VmRSS from /proc/PID/status, read 1 s after DBSIZE " +
        "reached the count (the target's figure), and again at rest: once it has not fallen for " +
        `${REST_SECONDS} s (at most ${MAX_REST_SECONDS} s). keyval's RSS falls ~25 s after the ` +
        "load, when V8's memory reducer collects the garbage the loading left.",
      "",
    );
  }

  if (flatness.length) {
    out.push("## Flatness: requests/s with a small vs a big keyspace", "");
    const names = hasRedis ? ["keyval", "redis"] : ["keyval"];
    const frows: string[][] = [];
    for (const f of flatness) {
      const row = [f.name];
      for (const n of names) {
        const a = f.atSmall.get(n);
        const b = f.atBig.get(n);
        const rate = (r: Result | undefined) =>
          r?.kind === "ok" ? int.format(r.rps) : r?.kind ?? DASH;
        row.push(rate(a), rate(b));
        row.push(a?.kind === "ok" && b?.kind === "ok" ? (b.rps / a.rps).toFixed(2) : DASH);
      }
      frows.push(row);
    }
    const small = int.format(flatness[0].small);
    const big = int.format(flatness[0].big);
    const header = ["workload"];
    for (const n of names) header.push(`${n} ${small} keys`, `${n} ${big} keys`, `${n} big/small`);
    out.push(markdownTable(header, frows, header.map((_, i) => i > 0)), "");
    out.push(
      `redis-benchmark -P 16 with -r ${small} after FLUSHALL vs -r ${big} with the memory test's ` +
        "keys loaded. A big/small ratio near 1.0: throughput does not depend on keyspace size.",
      "",
    );
  }

  if (results.some((w) => [...w.rounds.values()].some((rs) => rs.length > 1))) {
    out.push("## Requests/s per round", "");
    const names = hasRedis ? ["keyval", "redis"] : ["keyval"];
    out.push(
      markdownTable(
        ["workload", ...names],
        results.map(({ workload, rounds }) => [
          workload.name,
          ...names.map((n) =>
            (rounds.get(n) ?? []).map((r) => (r.kind === "ok" ? int.format(r.rps) : r.kind))
              .join(" / ")
          ),
        ]),
        [false, ...names.map(() => true)],
      ),
      "",
      "In run order; the spread shows how much a ratio near its target can be trusted.",
      "",
    );
  }

  const problems: string[] = [];
  for (
    const { workload, byServer } of [
      ...results,
      ...flatness.flatMap((f) => [
        { workload: { name: `${f.name} -r ${f.small}` }, byServer: f.atSmall },
        { workload: { name: `${f.name} -r ${f.big}` }, byServer: f.atBig },
      ]),
    ]
  ) {
    for (const [server, r] of byServer) {
      if (r.kind !== "ok") problems.push(`- ${workload.name} on ${server}: ${r.kind}: ${r.why}`);
    }
  }
  if (problems.length) out.push("## Not measured", "", ...problems, "");

  out.push("## Machine", "");
  out.push(
    `- date: ${m.date}`,
    `- CPU: ${m.cpu}, ${m.cores} logical cores`,
    `- CPUs: ${m.affinity}`,
    `- CPU speed, one fixed loop, at start / end (lower is faster): ${m.cpuSpeed}`,
    `- OS: ${m.os}`,
    `- deno: ${m.deno}`,
    `- redis-server: ${m.redis}`,
    `- redis-benchmark: ${m.benchmark}`,
    `- keyval: ${m.keyval}`,
    `- settings: ${m.settings}`,
    `- load average (1 min) at start / end: ${m.load}`,
    "",
  );
  return out.join("\n");
}
