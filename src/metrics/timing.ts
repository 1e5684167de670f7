// Per-command timing at a cost the hot path can bear. A clock read costs ~100-300 ns in Deno and
// a pipelined SET ~1.5 µs all in, so two reads per command would cost more than 10%. Instead:
//
// - Commands flagged "fast" (O(1) or O(log n)), and those whose work is bounded by their request
//   (SET, MSET: `boundedByRequest` in the table), share the time of their batch (one read event's
//   worth of pipelined requests, timed with two clock reads in connection.ts): each gets the
//   batch's time divided by the number of commands in it.
// - Other commands, requests past 64 KiB, and every command while slowlog-log-slower-than is
//   below 1000 µs are timed on their own, exactly: those are the ones SLOWLOG has to see with
//   their arguments.
//
// Timed spans nest (a command may run another client's batch, as blocking commands do when
// served): every span adds its whole time to `inner`, and each span subtracts what its inner
// spans took, so no time is counted twice.
import type { Config } from "../config.ts";
import type { Command } from "../commands/table.ts";
import type { Context } from "../commands/context.ts";
import { SlowLog } from "./slowlog.ts";
import { LatencyMonitor } from "./events.ts";

/** Below this slowlog threshold (µs) a batch's average is too coarse: time every command. */
const EXACT_BELOW_US = 1000;
/** A request larger than this is timed on its own. */
const BIG_REQUEST_BYTES = 64 * 1024;

/** Where command time goes: per-command histograms and usec, SLOWLOG and the latency monitor. */
export class CommandTiming {
  readonly slowlog = new SlowLog();
  readonly monitor = new LatencyMonitor();
  /** Fast commands run in open batches, waiting for their batch's time. */
  private readonly pending: Command[] = [];
  private pendingLen = 0;
  /** Time (µs) of every span closed so far; spans read it to leave out their inner spans. */
  private inner = 0;
  private depth = 0;
  private readonly innerAt: number[] = [];
  private readonly markAt: number[] = [];
  /** Open spans that are batches (fast commands only wait inside one). */
  private batches = 0;

  constructor(private readonly config: Config) {}

  /** True when `cmd` may share its batch's time instead of being timed on its own. */
  shared(cx: Context, cmd: Command): boolean {
    if (!cmd.sharesBatchTime) return false;
    const slower = this.config.slowlogLogSlowerThan;
    if (slower >= 0 && slower < EXACT_BELOW_US) return false;
    return cx.ends[cx.argc - 1] - cx.starts[0] <= BIG_REQUEST_BYTES;
  }

  /** Notes a fast command that ran; the batch around it settles its time (none outside one). */
  defer(cmd: Command): void {
    if (this.batches > 0) this.pending[this.pendingLen++] = cmd;
  }

  /**
   * Opens a batch; returns its start for `batchEnd`. Always, as in Redis: latency-tracking only
   * turns the histograms off, commandstats' usec is always counted.
   */
  batchBegin(): number {
    this.batches++;
    return this.open();
  }

  /** Closes a batch: its fast commands share its time, less that of commands timed alone. */
  batchEnd(t0: number): void {
    this.batches--;
    const mark = this.markAt[this.depth - 1];
    const own = this.close(t0);
    const n = this.pendingLen - mark;
    if (n === 0) return;
    this.pendingLen = mark;
    const share = own / n;
    const tracking = this.config.latencyTracking;
    // Pipelines mostly repeat one command: record runs of the same command at once.
    let run = this.pending[mark];
    let count = 1;
    for (let i = mark + 1; i <= mark + n; i++) {
      const cmd = i < mark + n ? this.pending[i] : undefined;
      if (cmd === run) {
        count++;
        continue;
      }
      run.usec += share * count;
      if (tracking) run.latency.recordMany(share, count);
      run = cmd!;
      count = 1;
    }
    const threshold = this.config.latencyMonitorThreshold;
    if (threshold > 0 && share >= threshold * 1000) {
      this.monitor.add("fast-command", Math.round(share / 1000));
    }
  }

  /** Starts timing one command on its own; pass the result to `commandEnd`. */
  commandBegin(): number {
    return this.open();
  }

  /** Records the command of `cx` timed since `t0`: usec, histogram, SLOWLOG, latency monitor. */
  commandEnd(cx: Context, cmd: Command, t0: number): void {
    const us = this.close(t0);
    cmd.usec += us;
    const config = this.config;
    if (config.latencyTracking) cmd.latency.record(us);
    const slower = config.slowlogLogSlowerThan;
    if (slower >= 0 && us >= slower && config.slowlogMaxLen > 0) {
      this.slowlog.push(cx, cmd, us, config.slowlogMaxLen);
    }
    const threshold = config.latencyMonitorThreshold;
    if (threshold > 0 && us >= threshold * 1000) {
      this.monitor.add(cmd.fast ? "fast-command" : "command", Math.round(us / 1000));
    }
  }

  private open(): number {
    const d = this.depth++;
    this.innerAt[d] = this.inner;
    this.markAt[d] = this.pendingLen;
    return performance.now();
  }

  /** Closes the innermost span; returns its own time in µs (inner spans left out). */
  private close(t0: number): number {
    const us = (performance.now() - t0) * 1000;
    const before = this.innerAt[--this.depth];
    const own = us - (this.inner - before);
    // Back at the outermost level nothing reads `inner`: restart it so it never grows large.
    this.inner = this.depth === 0 ? 0 : before + us;
    return own > 0 ? own : 0;
  }
}
