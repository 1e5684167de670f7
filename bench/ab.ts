// Two builds of keyval in one process, timed against each other on the in-process request path
// (the batches of lib/workloads.ts through a real Server and Connection, as server.bench.ts):
// this checkout, and the one `--base` names (make it with `git worktree add /tmp/kv-base REV`).
//
// Why one process: this machine's speed drifts by up to 2x from one minute to the next, so two
// runs one after the other, or two servers side by side, can differ by more than the change
// measured. Here each build runs a slice of SLICE batches in turn (the order alternating, ABBA),
// so both see the same machine. The result is the median of the rounds' own this/base ratios (a
// garbage collection, which the two builds' heaps share, lands in one slice or the other), their
// quartiles, and each build's average over all rounds. Runs differ more than the quartiles of one
// suggest (README, "Development"): repeat it.
//
// deno task ab --base DIR [--workload NAME]... [--rounds N]
// (NAME as in lib/workloads.ts, e.g. GET, SET, "LPUSH/RPOP"; all of them by default)
import { parseArgs } from "node:util";
import { BATCH, KEYS, setupBatches, workloads } from "./lib/workloads.ts";
import { connectInstant, type InstantSocket } from "./lib/socket.ts";

/** Batches a build runs in one turn. */
const SLICE = 256;

const { values: flags } = parseArgs({
  args: Deno.args,
  options: {
    base: { type: "string" },
    workload: { type: "string", multiple: true },
    rounds: { type: "string", default: "40" },
  },
});
const rounds = Number(flags.rounds);
if (flags.base === undefined || !Number.isSafeInteger(rounds) || rounds < 1) {
  console.error("usage: deno task ab --base DIR [--workload NAME]... [--rounds N]");
  Deno.exit(2);
}

/** A build's server with one client. */
async function start(root: URL): Promise<InstantSocket> {
  const { Server } = await import(new URL("src/server.ts", root).href);
  const { defaultConfig } = await import(new URL("src/config.ts", root).href);
  const { Connection } = await import(new URL("src/connection.ts", root).href);
  return connectInstant(new Server(defaultConfig({ metricsBind: null })), Connection);
}

const here = new URL("../", import.meta.url);
const base = new URL(
  flags.base.endsWith("/") ? flags.base : flags.base + "/",
  `file://${Deno.cwd()}/`,
);
const builds: [string, InstantSocket][] = [
  ["base", await start(base)],
  ["this", await start(here)],
];
// The workloads' data, a batch to each in turn: neither build's keys lie all after the other's
// in the heap (loaded one build after the other, the same code measured 0.89-0.98 of itself).
for (const batch of setupBatches()) for (const [, socket] of builds) socket.receive(batch);
const all = workloads();
const names = flags.workload ?? [...all.keys()];
for (const name of names) {
  const list = all.get(name);
  if (list === undefined) {
    console.error(`ab: no workload "${name}"; there are: ${[...all.keys()].join(", ")}`);
    Deno.exit(2);
  }
  // Until V8 has optimized both builds' paths.
  for (const [, socket] of builds) {
    for (let r = 0; r < 3; r++) for (const b of list) socket.receive(b);
  }
  const total = [0, 0];
  const ratios: number[] = [];
  let next = 0;
  for (let round = 0; round < rounds; round++) {
    const took = [0, 0];
    for (let turn = 0; turn < 2; turn++) {
      const which = (round + turn) % 2;
      const socket = builds[which][1];
      const t0 = performance.now();
      for (let i = 0; i < SLICE; i++) socket.receive(list[(next + i) % list.length]);
      took[which] = performance.now() - t0;
    }
    next = (next + SLICE) % list.length;
    total[0] += took[0];
    total[1] += took[1];
    ratios.push(took[1] / took[0]);
  }
  ratios.sort((a, b) => a - b);
  const perBatch = (ms: number) => (ms * 1000 / (rounds * SLICE)).toFixed(2);
  const q = (f: number) => ratios[Math.floor(f * (ratios.length - 1))].toFixed(2);
  console.log(
    `${BATCH} pipelined ${name} (${KEYS.toLocaleString("en")} keys): this/base ${q(0.5)}, ` +
      `the median of the rounds' ratios (quartiles ${q(0.25)}-${q(0.75)}); in all, base ` +
      `${perBatch(total[0])} µs and this ${perBatch(total[1])} µs a batch`,
  );
}
Deno.exit(0);
