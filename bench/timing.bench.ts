// What per-command timing costs on the hot path (src/metrics/timing.ts): one pipelined batch of
// 16 fast commands, and one unpipelined command, with latency tracking (the histograms) on and
// off, beside the same loops untimed. Compare with ~2 µs of CPU per pipelined SET and ~10 µs per
// unpipelined one (README, Performance).
import { CommandTiming } from "../src/metrics/timing.ts";
import { defaultConfig } from "../src/config.ts";
import { createCommandTable } from "../src/commands/index.ts";
import type { Context } from "../src/commands/context.ts";

const set = createCommandTable().byName.get("set")!;
// shared() reads only the argument ranges: a SET with a 16-byte value.
const cx = {
  argc: 3,
  starts: new Int32Array([0, 9, 20]),
  ends: new Int32Array([3, 15, 36]),
} as unknown as Context;

function batch(timing: CommandTiming, size: number): void {
  const t0 = timing.batchBegin();
  for (let i = 0; i < size; i++) if (timing.shared(cx, set)) timing.defer(set);
  timing.batchEnd(t0);
}

/** The same commands untimed: what the batches cost without CommandTiming. */
function untimed(size: number): number {
  let fast = 0;
  for (let i = 0; i < size; i++) if (set.fast) fast++;
  return fast;
}
Deno.bench("batch of 16 fast commands, untimed", { group: "batch16", baseline: true }, () => {
  untimed(16);
});
Deno.bench("one unpipelined fast command, untimed", { group: "batch1", baseline: true }, () => {
  untimed(1);
});

for (const tracking of [true, false]) {
  const timing = new CommandTiming(defaultConfig({ latencyTracking: tracking }));
  const label = tracking ? "on" : "off";
  Deno.bench(`batch of 16 fast commands, tracking ${label}`, { group: "batch16" }, () => {
    batch(timing, 16);
  });
  Deno.bench(`one unpipelined fast command, tracking ${label}`, { group: "batch1" }, () => {
    batch(timing, 1);
  });
}
