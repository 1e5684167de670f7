// The compare report's ratios: paired by round, so that the machine's drift cancels.
import assert from "node:assert/strict";
import { overheadOf, pairedRatio, type Result } from "../../bench/lib/report.ts";

const ok = (rps: number): Result => ({ kind: "ok", rps, p50: 1, p99: 1, cpuUs: 1 });
const rps = (r: Extract<Result, { kind: "ok" }>) => r.rps;

Deno.test("a ratio is the median of the rounds' own ratios, not the ratio of the medians", () => {
  // Round 3 ran redis in a fast minute: the medians (90 and 100) would say 0.90.
  const m = {
    byServer: new Map<string, Result>(),
    rounds: new Map([["keyval", [ok(100), ok(60), ok(90)]], ["redis", [ok(100), ok(50), ok(200)]]]),
  };
  assert.equal(pairedRatio(m, "keyval", "redis", rps), 1);
});

Deno.test("rounds where either server has no measurement are left out", () => {
  const failed: Result = { kind: "error", why: "timeout" };
  const m = {
    byServer: new Map<string, Result>(),
    rounds: new Map([["keyval", [ok(75), failed, ok(25)]], ["redis", [ok(100), ok(100), ok(100)]]]),
  };
  assert.equal(pairedRatio(m, "keyval", "redis", rps), 0.5);
  assert.equal(pairedRatio(m, "keyval", "floor", rps), undefined);
});

Deno.test("the metrics overhead pairs its rounds too", () => {
  const o = { name: "SET", on: ok(90), off: ok(100), paired: 0.95 };
  assert.equal(Math.round(overheadOf(o)! * 100), 5);
  assert.equal(Math.round(overheadOf({ ...o, paired: undefined })! * 100), 10);
});
