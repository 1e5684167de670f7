// Which CPUs the servers and the load generator run on, for bench/compare.ts. On this 2-vCPU
// virtual machine one vCPU ran ~1.5 times slower than the other for minutes at a time (the same
// Python loop: 910 against 597 ms), and a server's CPU time per request followed the vCPU the
// scheduler had put it on (unpipelined SET bound to one, then the other: 34.4 and 24.3 µs). Two
// servers measured one after the other could each draw a different one, which made whole runs
// swing. Bound to the same CPU, every server under test meets the same one, and redis-benchmark
// keeps the other(s) to itself. Which vCPU is the slow one changes (half an hour later: 543 ms on
// CPU 0, 837 on CPU 1), so the rounds' own ratios, not absolute numbers, compare like with like.
// What the slow one lacks is memory speed (see SPEED_LOOP), and that costs keyval more than Redis:
// unpipelined SET on the slow vCPU took keyval ~35 µs a request against ~20 on the fast one, Redis
// 17.8 against 15. So the servers get the vCPU that walks memory fastest when a run starts.

/** CPU lists in taskset's syntax ("1", "0,2-3"). */
export interface Affinity {
  /** Every server under test. */
  readonly servers: string;
  /** redis-benchmark, and the compare process itself (its loads and checks). */
  readonly client: string;
}

/** The CPUs of a list in taskset's syntax ("0-3,6"), in order; throws on anything else. */
export function parseCpuList(list: string): number[] {
  const cpus: number[] = [];
  for (const part of list.trim().split(",")) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`not a CPU list: "${list}"`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`not a CPU list: "${list}"`);
    for (let c = from; c <= to; c++) cpus.push(c);
  }
  return cpus;
}

/**
 * The split for `cpus` (those this process may run on): `server` (by default the last) for the
 * servers, the rest for the client; undefined with a single CPU, where binding could only make
 * things worse.
 */
export function splitCpus(cpus: number[], server = cpus[cpus.length - 1]): Affinity | undefined {
  if (cpus.length < 2 || !cpus.includes(server)) return undefined;
  return { servers: String(server), client: cpus.filter((c) => c !== server).join(",") };
}

/** The CPU of `cpus` whose `loopMs` time is the lowest; undefined when none was measured. */
export function fastest(cpus: number[], times: (number | undefined)[]): number | undefined {
  let best: number | undefined;
  let bestTime = Infinity;
  cpus.forEach((c, i) => {
    const t = times[i];
    if (t !== undefined && t < bestTime) [best, bestTime] = [c, t];
  });
  return best;
}

/**
 * The CPUs this process may run on, from `taskset -pc`; undefined when taskset is not installed
 * (util-linux) or says something else.
 */
export async function allowedCpus(): Promise<number[] | undefined> {
  try {
    const out = await new Deno.Command("taskset", {
      args: ["-pc", String(Deno.pid)],
      stdout: "piped",
      stderr: "null",
    }).output();
    // "pid 123's current affinity list: 0,1"
    const list = new TextDecoder().decode(out.stdout).split(":").pop();
    return out.success && list !== undefined ? parseCpuList(list) : undefined;
  } catch {
    return undefined;
  }
}

/** Binds this process (every thread) to `cpus`. */
export async function bindSelf(cpus: string): Promise<void> {
  const out = await new Deno.Command("taskset", {
    args: ["-apc", cpus, String(Deno.pid)],
    stdout: "null",
    stderr: "piped",
  }).output();
  if (!out.success) throw new Error(`taskset: ${new TextDecoder().decode(out.stderr).trim()}`);
}

/**
 * `cmd args` to run on `cpus`: through taskset, which sets the affinity and then execs the
 * program, so the PID is still the program's (/proc readings need that). As is without `cpus`.
 */
export function bound(cmd: string, args: string[], cpus: string | undefined): [string, string[]] {
  return cpus === undefined ? [cmd, args] : ["taskset", ["-c", cpus, cmd, ...args]];
}

/**
 * A fixed loop, timed: 20M steps of a random walk through a 4 MiB array, each step a load the
 * next one waits for. A loop of arithmetic alone took 1.09 times as long on the slow vCPU as on
 * the other, this walk 2.24 times (a Python loop 1.64, keyval's unpipelined SET ~1.75, Redis's
 * ~1.2): what the slow vCPU lacks is memory speed.
 */
const SPEED_LOOP = "const n = 1 << 20; const next = new Int32Array(n); let r = 1;" +
  "for (let i = 0; i < n; i++) next[i] = i;" +
  "for (let i = n - 1; i > 0; i--) { r = (Math.imul(r, 1103515245) + 12345) >>> 0;" +
  " const j = r % (i + 1); const t = next[i]; next[i] = next[j]; next[j] = t; }" +
  "let p = 0; const t0 = performance.now();" +
  "for (let i = 0; i < 20_000_000; i++) p = next[p];" +
  "console.log(performance.now() - t0, p === -1);";

/**
 * Milliseconds the same fixed loop takes on each CPU of `cpus` (a fresh Deno bound there, one
 * after the other): how fast each vCPU is at the moment, so a report can say which one was the
 * slow one. undefined for a CPU where taskset or the loop failed.
 */
export async function loopMs(cpus: number[]): Promise<(number | undefined)[]> {
  const times: (number | undefined)[] = [];
  for (const cpu of cpus) {
    try {
      const out = await new Deno.Command("taskset", {
        args: ["-c", String(cpu), Deno.execPath(), "eval", SPEED_LOOP],
        stdout: "piped",
        stderr: "null",
      }).output();
      const ms = Number(new TextDecoder().decode(out.stdout).split(" ")[0]);
      times.push(out.success && ms > 0 ? ms : undefined);
    } catch {
      times.push(undefined);
    }
  }
  return times;
}

/** "CPU 0 612 ms, CPU 1 905 ms" for `loopMs` of `cpus`. */
export function formatLoopMs(cpus: number[], times: (number | undefined)[]): string {
  return cpus.map((c, i) => `CPU ${c} ${times[i] === undefined ? "?" : Math.round(times[i]!)} ms`)
    .join(", ");
}
