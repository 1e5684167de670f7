// Expiries: the keyspace's expiry times, kept in pages of doubles and referred to by slot.
import assert from "node:assert/strict";
import { Expiries } from "../../src/store/expiries.ts";
import { hashOf, hashOfBytes } from "../../src/store/stringmap.ts";
import { seededRandom } from "../helpers/random.ts";

/** Checks every key of `model` and a few absent ones read back as the model says. */
function agree(ex: Expiries, model: Map<string, number>, keys: string[]): void {
  assert.equal(ex.size, model.size);
  for (const k of keys) assert.equal(ex.get(k), model.get(k), k);
  const walked = new Map(ex.entries());
  assert.deepEqual(walked, model);
}

/** Writes `k`'s bytes into `buf` from byte 3 on, between others, as a request holds a key: its end. */
function inRequest(buf: Uint8Array, k: string): number {
  buf.fill(0x7a);
  for (let j = 0; j < k.length; j++) buf[3 + j] = k.charCodeAt(j);
  return 3 + k.length;
}

/**
 * `setBytes` of the key in bytes [3, e) of `buf` (`k`, hash `h`) to `at`, checked against and
 * applied to `model`: it gives the time it replaced, and does nothing to a key without one.
 */
function setBytesAsModel(
  ex: Expiries,
  model: Map<string, number>,
  buf: Uint8Array,
  e: number,
  k: string,
  at: number,
  h: number,
): void {
  const was = model.get(k);
  assert.equal(ex.setBytes(buf, 3, e, at, h), was, "setBytes gives the time replaced");
  if (was !== undefined) model.set(k, at); // else nothing done: `set` takes a new key
}

/** Removes `k` from `model`: the time it had. */
function takeFrom(model: Map<string, number>, k: string): number | undefined {
  const was = model.get(k);
  model.delete(k);
  return was;
}

Deno.test("expiry times read back exactly through set, take and their byte forms", () => {
  const rand = seededRandom(5);
  const ex = new Expiries();
  const model = new Map<string, number>();
  const keys = Array.from({ length: 300 }, (_, i) => `key:${i}`);
  // Never a negative time: a free slot holds one (a time not in the future deletes its key).
  const times = [0, 1, 1.5e12, 2 ** 53 - 1, 2 ** 53, 8.5e15, 1e300];
  const buf = new Uint8Array(64);
  for (let step = 0; step < 20_000; step++) {
    const k = keys[Math.floor(rand() * keys.length)];
    const h = hashOf(k);
    const r = rand();
    if (r < 0.5) {
      const at = rand() < 0.3
        ? times[Math.floor(rand() * times.length)]
        : Date.now() + Math.floor(rand() * 1e9);
      assert.equal(ex.set(k, at, h), model.get(k), "set gives the time replaced");
      model.set(k, at);
    } else if (r < 0.7) {
      assert.equal(ex.take(k, h), takeFrom(model, k));
    } else {
      const e = inRequest(buf, k);
      assert.equal(hashOfBytes(buf, 3, e), h);
      if (r < 0.8) assert.equal(ex.getBytes(buf, 3, e, h), model.get(k));
      else if (r < 0.9) assert.equal(ex.takeBytes(buf, 3, e, h), takeFrom(model, k));
      else setBytesAsModel(ex, model, buf, e, k, Date.now() + Math.floor(rand() * 1e9), h);
    }
    if (step % 1000 === 0) agree(ex, model, keys);
  }
  agree(ex, model, keys);
  ex.clear();
  model.clear();
  agree(ex, model, keys);
  assert.equal(ex.bytes, 0, "clear gives the pages back");
});

Deno.test("a key given a new time keeps its slot, and freed slots serve new keys", () => {
  const ex = new Expiries();
  for (let i = 0; i < 10_000; i++) ex.set(`k${i}`, 1e12 + i);
  const full = ex.bytes;
  assert.ok(full >= 10_000 * 8 && full < 10_000 * 8 * 2, `${full} bytes`);
  // New times for every key: in place, no page more.
  for (let round = 0; round < 3; round++) {
    for (let i = 0; i < 10_000; i++) ex.set(`k${i}`, 2e12 + round * 10_000 + i);
  }
  assert.equal(ex.bytes, full);
  // Keys come and go: the slots they give back are taken again.
  for (let round = 0; round < 5; round++) {
    for (let i = 0; i < 5_000; i++) assert.notEqual(ex.take(`k${i}`), undefined);
    for (let i = 0; i < 5_000; i++) ex.set(`k${i}`, 3e12 + i);
  }
  assert.equal(ex.bytes, full);
  for (let i = 0; i < 10_000; i++) {
    assert.equal(ex.get(`k${i}`), i < 5_000 ? 3e12 + i : 2e12 + 20_000 + i);
  }
  assert.equal(ex.take("never set"), undefined);
  assert.equal(ex.has("k1"), true);
  assert.equal(ex.has("never set"), false);
});

Deno.test("the first page grows from a few slots to a full page", () => {
  const t = new Expiries();
  t.set("a", 1.5e12);
  assert.ok(t.bytes > 0 && t.bytes <= 1024, `one key takes ${t.bytes} bytes`);
  for (let i = 0; i < 5000; i++) t.set(`m${i}`, 1e12 + i / 4);
  assert.ok(t.bytes >= 5001 * 8 && t.bytes < 5001 * 8 * 2, `${t.bytes} bytes`);
  assert.equal(t.get("a"), 1.5e12, "the times moved with the page as it grew");
  for (let i = 0; i < 5000; i++) assert.equal(t.get(`m${i}`), 1e12 + i / 4);
});

/** Runs the janitor's ticks, each with no time to spare (one step of work), until none is left. */
function tickUntilDone(ex: Expiries): number {
  let ticks = 1;
  while (ex.advanceResize(performance.now() - 1)) ticks++;
  return ticks;
}

const PAGE_BYTES = 4096 * 8;

Deno.test("pages go back, a step a tick, when the keys with a TTL become few", () => {
  const ex = new Expiries();
  const model = new Map<string, number>();
  const keys: string[] = [];
  for (let i = 0; i < 100_000; i++) {
    keys.push(`k${i}`);
    ex.set(`k${i}`, 1e12 + i);
    model.set(`k${i}`, 1e12 + i);
  }
  assert.equal(ex.bytes, 25 * PAGE_BYTES);
  tickUntilDone(ex); // the table's resize
  assert.equal(ex.bytes, 25 * PAGE_BYTES, "nothing to give back while the slots are used");
  // 1 key in 10 stays, spread over every page.
  for (let i = 0; i < 100_000; i++) {
    if (i % 10 !== 0) assert.equal(ex.take(`k${i}`), takeFrom(model, `k${i}`));
  }
  assert.equal(ex.bytes, 25 * PAGE_BYTES, "deletes alone give nothing back");
  assert.ok(tickUntilDone(ex) > 100, "the compaction went in many small steps");
  // Room for twice the 10,000 keys: 5 pages.
  assert.equal(ex.bytes, 5 * PAGE_BYTES);
  agree(ex, model, keys);
  // The slots the moved times left below the limit serve new keys, without a page more.
  for (let i = 0; i < 9_000; i++) {
    ex.set(`n${i}`, 2e12 + i);
    model.set(`n${i}`, 2e12 + i);
  }
  assert.equal(ex.bytes, 5 * PAGE_BYTES);
  agree(ex, model, keys);
  assert.equal(tickUntilDone(ex), 1);
});

Deno.test("a compaction that runs out of room below its limit stops, and nothing is lost", () => {
  const ex = new Expiries();
  const model = new Map<string, number>();
  for (let i = 0; i < 40_000; i++) ex.set(`k${i}`, 1e12 + i);
  for (let i = 0; i < 40_000; i++) {
    if (i % 20 === 0) model.set(`k${i}`, 1e12 + i);
    else ex.take(`k${i}`);
  }
  // The table's resize first, then the compaction starts (2,000 keys: a limit of one page).
  for (let ticks = 0; !ex.compacting && ticks < 1000; ticks++) {
    ex.advanceResize(performance.now() - 1);
  }
  assert.equal(ex.compacting, true);
  // More keys than fit below the limit come before it is done.
  for (let i = 0; i < 6_000; i++) {
    ex.set(`n${i}`, 2e12 + i);
    model.set(`n${i}`, 2e12 + i);
  }
  assert.equal(ex.compacting, false);
  agree(ex, model, [...model.keys()]);
  tickUntilDone(ex);
  agree(ex, model, [...model.keys()]);
  // When they go again, the next compaction runs to its end.
  for (let i = 0; i < 6_000; i++) ex.take(`n${i}`), model.delete(`n${i}`);
  tickUntilDone(ex);
  assert.equal(ex.bytes, PAGE_BYTES);
  agree(ex, model, [...model.keys()]);
});

Deno.test("times stay exact through random growth, shrinking and compactions", () => {
  const rand = seededRandom(11);
  const ex = new Expiries();
  const model = new Map<string, number>();
  const keys = Array.from({ length: 20_000 }, (_, i) => `key:${i}`);
  const buf = new Uint8Array(64);
  let compactions = 0;
  for (let phase = 0; phase < 8; phase++) {
    // Phases that grow (most operations add) and phases that shrink (most delete).
    const addShare = phase % 2 === 0 ? 0.85 : 0.02;
    for (let step = 0; step < 40_000; step++) {
      const k = keys[Math.floor(rand() * keys.length)];
      const h = hashOf(k);
      const r = rand();
      const at = 1.7e12 + Math.floor(rand() * 1e9);
      if (r < addShare) {
        assert.equal(ex.set(k, at, h), model.get(k));
        model.set(k, at);
      } else if (r < 0.9) {
        assert.equal(ex.take(k, h), takeFrom(model, k));
      } else {
        const e = inRequest(buf, k);
        if (r < 0.95) assert.equal(ex.takeBytes(buf, 3, e, h), takeFrom(model, k));
        else setBytesAsModel(ex, model, buf, e, k, at, h);
      }
      // A tick now and then, with no time to spare.
      if (step % 50 === 0) {
        const before = ex.compacting;
        ex.advanceResize(performance.now() - 1);
        if (!before && ex.compacting) compactions++;
      }
    }
    agree(ex, model, keys);
  }
  tickUntilDone(ex);
  agree(ex, model, keys);
  assert.ok(compactions >= 3, `${compactions} compactions`);
  assert.ok(ex.bytes <= Math.max(2, Math.ceil((model.size * 4) / 4096) + 1) * PAGE_BYTES);
});
