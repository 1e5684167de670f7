// The janitor reclaims expired keys nobody reads, without scanning keys that have no TTL, and
// keeps going while many sampled keys were stale.
import assert from "node:assert/strict";
import { Keyspace } from "../../src/store/keyspace.ts";
import { Janitor } from "../../src/store/expiry.ts";

Deno.test("a cycle over mostly-stale keys reclaims all of them", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 10_000; i++) ks.setWithExpiry(`stale${i}`, "v", now - 1);
  for (let i = 0; i < 100; i++) ks.setWithExpiry(`live${i}`, "v", now + 60_000);
  const j = new Janitor(ks, 100);
  j.cycle(now, 1000); // a generous budget: the stop rule, not the clock, must end it
  assert.equal(ks.size, 100);
  assert.equal(ks.expires.size, 100);
  assert.equal(ks.expiredKeys, 10_000);
  assert.equal(j.stats.expired, 10_000);
});

Deno.test("keys without a TTL are never sampled", () => {
  const ks = new Keyspace();
  for (let i = 0; i < 10_000; i++) ks.set(`plain${i}`, "v");
  const j = new Janitor(ks, 100);
  j.cycle(Date.now(), 1000);
  assert.equal(j.stats.sampled, 0);
  assert.equal(ks.size, 10_000);
});

Deno.test("a cycle stops after one round when few sampled keys were stale", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 1000; i++) ks.setWithExpiry(`live${i}`, "v", now + 60_000);
  const j = new Janitor(ks, 100);
  j.cycle(now, 1000);
  assert.equal(j.stats.sampled, 20);
  assert.equal(j.stats.expired, 0);
});

Deno.test("successive cycles walk on through the expires map and wrap around", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 100; i++) ks.setWithExpiry(`live${i}`, "v", now + 60_000);
  const j = new Janitor(ks, 100);
  for (let c = 0; c < 5; c++) j.cycle(now, 1000);
  assert.equal(j.stats.sampled, 100, "five rounds of 20 cover all 100 keys once");
  // Now the first 50 keys go stale: the next cycles find them though the cursor is past them.
  for (let i = 0; i < 50; i++) ks.expires.set(`live${i}`, now - 1);
  for (let c = 0; c < 10 && ks.size > 50; c++) j.cycle(now, 1000);
  assert.equal(ks.size, 50);
});

Deno.test("the time budget bounds a cycle over a million stale keys", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 1_000_000; i++) ks.setWithExpiry(`k${i}`, "v", now - 1);
  const j = new Janitor(ks, 100);
  assert.equal(j.cycle(now, 2), true, "the cycle ended on its budget: stale keys are left");
  assert.equal(j.stats.timeLimited, 1);
  assert.ok(ks.size > 0 && ks.size < 1_000_000, `some but not all reclaimed: ${ks.size} left`);
  // Cycles that end on their budget say so, for the next to come sooner, until none is left.
  let cycles = 1;
  while (j.cycle(now, 2)) cycles++;
  assert.equal(ks.size, 0);
  assert.equal(j.stats.expired, 1_000_000);
  assert.ok(cycles > 2, `${cycles} cycles`);
});

Deno.test("keys the expiry table's old half still holds in a resize are reclaimed too", () => {
  const ks = new Keyspace();
  const now = Date.now();
  // 100,000 keys leave the table's last doubling under way (see stringmap_test.ts).
  for (let i = 0; i < 100_000; i++) ks.setWithExpiry(`k${i}`, "v", now - 1);
  assert.equal(ks.expires.resizing, true);
  const j = new Janitor(ks, 100);
  j.cycle(now, 10_000);
  assert.equal(ks.size, 0);
  assert.equal(ks.expires.size, 0);
});

Deno.test("the sampling after the table shrank goes on among the keys not visited", () => {
  const ks = new Keyspace();
  const now = Date.now();
  // The deletes shrink the table mid-pass; sampling again from the start of the smaller table,
  // where only keys already visited went, would find only the live keys there and stop.
  for (let i = 0; i < 50_000; i++) ks.setWithExpiry(`stale${i}`, "v", now - 1);
  for (let i = 0; i < 500; i++) ks.setWithExpiry(`live${i}`, "v", now + 60_000);
  const j = new Janitor(ks, 100);
  assert.equal(j.cycle(now, 10_000), false);
  assert.equal(ks.size, 500);
});

Deno.test("cycles estimate the average TTL of the keys that have one", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 100; i++) ks.setWithExpiry(`k${i}`, "v", now + 20_000);
  const j = new Janitor(ks, 100);
  assert.equal(j.stats.avgTtlMs, 0);
  for (let c = 0; c < 10; c++) j.cycle(now, 1000);
  assert.equal(j.stats.avgTtlMs, 20_000);
  // The TTLs double: the estimate follows a fiftieth of the way each round, as Redis's does.
  for (let i = 0; i < 100; i++) ks.expireAt(`k${i}`, now + 40_000);
  j.cycle(now, 1000);
  assert.equal(j.stats.avgTtlMs, 20_000 * 49 / 50 + 40_000 / 50);
  let last = j.stats.avgTtlMs;
  for (let c = 0; c < 50; c++) {
    j.cycle(now, 1000);
    assert.ok(j.stats.avgTtlMs >= last && j.stats.avgTtlMs < 40_000, `avg ${j.stats.avgTtlMs}`);
    last = j.stats.avgTtlMs;
  }
  assert.ok(last > 30_000, `after 50 cycles the estimate is most of the way: ${last}`);
});

Deno.test("the janitor's tick moves on a table resize that no write finishes", () => {
  const ks = new Keyspace();
  // 100,000 keys leave the keyspace's table resizing (the doubling at 98,305 moves 32 slots a
  // write: 4,096 writes for its 131,072 old slots), and reads alone do not move it.
  for (let i = 0; i < 100_000; i++) ks.set(`k${i}`, "v");
  for (let i = 0; i < 1000; i++) ks.get(`k${i}`);
  assert.equal(ks.data.resizing, true);
  const j = new Janitor(ks, 100);
  for (let t = 0; t < 1000 && ks.data.resizing; t++) j.tick();
  assert.equal(ks.data.resizing, false);
  assert.equal(ks.size, 100_000);
  assert.equal(ks.get("k99999"), "v");
});

Deno.test("after a cycle that ends on its budget the next tick comes after 3 budgets, not the interval", () => {
  const ks = new Keyspace();
  const now = Date.now();
  for (let i = 0; i < 200_000; i++) ks.setWithExpiry(`k${i}`, "v", now - 1);
  // The janitor's timers, recorded instead of set: each tick is run by hand.
  const delays: number[] = [];
  let pending: (() => void) | undefined;
  const realSetTimeout = globalThis.setTimeout;
  const realClearTimeout = globalThis.clearTimeout;
  globalThis.setTimeout = ((fn: () => void, ms: number) => {
    delays.push(ms);
    pending = fn;
    return 1;
  }) as unknown as typeof setTimeout;
  globalThis.clearTimeout = (() => pending = undefined) as unknown as typeof clearTimeout;
  try {
    const j = new Janitor(ks, 1000); // a budget of 5 ms
    j.start();
    assert.deepEqual(delays, [1000]);
    for (let ticks = 0; ks.size > 0 && ticks < 10_000; ticks++) pending!();
    assert.equal(ks.size, 0);
    // Every tick but the last ended on its budget (the stale keys outlast a 5 ms cycle).
    assert.ok(delays.length > 3, `${delays.length} ticks`);
    assert.deepEqual(new Set(delays.slice(1, -1)), new Set([15]));
    pending!(); // nothing stale: back to the interval
    assert.equal(delays.at(-1), 1000);
    j.stop();
    assert.equal(pending, undefined);
  } finally {
    globalThis.setTimeout = realSetTimeout;
    globalThis.clearTimeout = realClearTimeout;
  }
});
