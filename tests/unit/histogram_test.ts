// The latency histogram: bucket bounds, cumulative counts, quantiles, reset.
import assert from "node:assert/strict";
import {
  BOUNDS_US,
  bucketOf,
  FINITE_BUCKETS,
  LatencyHistogram,
} from "../../src/metrics/histogram.ts";

Deno.test("bounds are powers of two microseconds from 1 µs to 2^23 µs", () => {
  assert.equal(BOUNDS_US.length, FINITE_BUCKETS);
  assert.equal(BOUNDS_US[0], 1);
  assert.equal(BOUNDS_US[10], 1024);
  assert.equal(BOUNDS_US[FINITE_BUCKETS - 1], 2 ** 23);
});

Deno.test("a duration lands in the first bucket whose bound is at least it", () => {
  const cases: [number, number][] = [
    [0, 0],
    [0.2, 0],
    [1, 0],
    [1.0001, 1],
    [2, 1],
    [2.5, 2],
    [4, 2],
    [5, 3],
    [1000, 10],
    [1024, 10],
    [1025, 11],
    [2 ** 23, 23],
    [2 ** 23 + 1, FINITE_BUCKETS],
    [1e12, FINITE_BUCKETS],
  ];
  for (const [us, bucket] of cases) assert.equal(bucketOf(us), bucket, `${us} µs`);
  // Every bound is inside its own bucket and just past it is the next one.
  for (let i = 0; i < FINITE_BUCKETS; i++) {
    assert.equal(bucketOf(BOUNDS_US[i]), i);
    assert.equal(bucketOf(BOUNDS_US[i] * 1.01), i + 1);
  }
});

Deno.test("record and recordMany count, sum and bucket the same way", () => {
  const a = new LatencyHistogram();
  const b = new LatencyHistogram();
  for (let i = 0; i < 5; i++) a.record(3);
  a.record(100);
  b.recordMany(3, 5);
  b.record(100);
  assert.deepEqual([...a.counts], [...b.counts]);
  assert.equal(a.count, 6);
  assert.equal(a.sumUs, 115);
  assert.equal(b.sumUs, 115);
  assert.equal(a.counts[bucketOf(3)], 5);
  assert.equal(a.counts[bucketOf(100)], 1);
});

Deno.test("quantile gives the bound of the bucket holding the rank", () => {
  const h = new LatencyHistogram();
  assert.equal(h.quantile(0.5), 0, "empty");
  h.recordMany(1.5, 90); // bucket le=2
  h.recordMany(50, 9); // le=64
  h.record(5000); // le=8192
  assert.equal(h.quantile(0.5), 2);
  assert.equal(h.quantile(0.9), 2);
  assert.equal(h.quantile(0.91), 64);
  assert.equal(h.quantile(0.99), 64);
  assert.equal(h.quantile(1), 8192);
  h.record(1e10);
  assert.equal(h.quantile(1), Infinity, "past the last bound");
});

Deno.test("reset forgets everything", () => {
  const h = new LatencyHistogram();
  h.record(7);
  h.reset();
  assert.equal(h.count, 0);
  assert.equal(h.sumUs, 0);
  assert.ok(h.counts.every((n) => n === 0));
});
