// The dashboard's server side: the snapshot read from a live Server object and the histogram
// quantile both it and the page use. The page itself is tested in Chromium (tests/e2e/).
import assert from "node:assert/strict";
import {
  dashboardPage,
  dashboardSnapshot,
  histogramQuantile,
} from "../../src/metrics/dashboard.ts";
import { BOUNDS_US, FINITE_BUCKETS } from "../../src/metrics/histogram.ts";
import { parseConfig } from "../../src/config.ts";
import { Server } from "../../src/server.ts";

function counts(entries: Record<number, number>): number[] {
  const c = new Array<number>(FINITE_BUCKETS + 1).fill(0);
  for (const [i, n] of Object.entries(entries)) c[Number(i)] = n;
  return c;
}

Deno.test("histogramQuantile: empty, interpolated inside a bucket, +Inf capped", () => {
  assert.equal(histogramQuantile(counts({}), 0.5), null);
  // Bucket 0 spans (0, 1 µs]: its median is at half its width.
  assert.equal(histogramQuantile(counts({ 0: 10 }), 0.5), 0.5e-6);
  // Bucket 4 spans (8, 16] µs; 100 calls there, the p99 is 99% of the way through it.
  assert.equal(histogramQuantile(counts({ 4: 100 }), 0.99), (8 + 8 * 0.99) / 1e6);
  // 90 fast calls, 10 slow: p50 among the fast, p99 among the slow.
  const mixed = counts({ 2: 90, 10: 10 });
  assert.ok(histogramQuantile(mixed, 0.5)! <= 4e-6);
  assert.ok(histogramQuantile(mixed, 0.99)! > BOUNDS_US[9] / 1e6);
  assert.equal(
    histogramQuantile(counts({ [FINITE_BUCKETS]: 5 }), 0.5),
    BOUNDS_US[FINITE_BUCKETS - 1] / 1e6,
  );
});

Deno.test("dashboardSnapshot: counters, per-command latency and gauges of the server", () => {
  const config = parseConfig(["--port", "0", "--metrics-bind", "off"], {});
  assert.notEqual(config, "help");
  if (config === "help") return;
  const server = new Server(config);
  const empty = dashboardSnapshot(server);
  assert.equal(empty.commands, 0);
  assert.deepEqual(empty.perCommand, {});
  assert.equal(empty.p50, null);
  assert.equal(empty.latency.le.length, FINITE_BUCKETS + 1);
  assert.equal(empty.latency.le.at(-1), null);
  assert.ok(empty.rss > 0 && empty.heapUsed > 0 && empty.datasetBytes > 0);

  const set = server.commands.byName.get("set")!;
  set.calls = 3;
  set.usec = 30;
  set.latency.record(5);
  set.latency.record(7);
  set.latency.record(12);
  server.stats.commands = 3;
  server.keyspace.set("a", "1");
  server.keyspace.hits = 4;
  server.keyspace.misses = 1;
  const s = dashboardSnapshot(server);
  assert.equal(s.commands, 3);
  assert.deepEqual(Object.keys(s.perCommand), ["set"]);
  assert.equal(s.perCommand.set.calls, 3);
  assert.equal(s.perCommand.set.usec, 30);
  const p50 = s.perCommand.set.p50!;
  assert.ok(p50 > 4e-6 && p50 <= 8e-6, `p50 ${p50}`);
  assert.ok(s.perCommand.set.p99! > 8e-6 && s.perCommand.set.p99! <= 16e-6);
  assert.equal(s.latency.counts.reduce((a, b) => a + b, 0), 3);
  assert.equal(s.keys, 1);
  assert.equal(s.hits, 4);
  assert.equal(s.misses, 1);
  // The page reads the snapshot as JSON: +Inf travels as null, nothing is lost.
  assert.deepEqual(JSON.parse(JSON.stringify(s)), s);
  assert.ok(s.time >= empty.time);
});

Deno.test("dashboardPage: one self-contained document", () => {
  const html = dashboardPage();
  assert.match(html, /^<!doctype html>/);
  assert.match(html, /fetch\("stats\.json"/);
  // Nothing from elsewhere: no external scripts, styles, fonts or images.
  assert.doesNotMatch(html, /\b(src|href)="(https?:)?\/\//);
  assert.doesNotMatch(html, /@import|url\(/);
});
