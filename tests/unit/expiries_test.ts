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
  const times = [0, 1, 1.5e12, 2 ** 53 - 1, 2 ** 53, 8.5e15, 1e300, -1];
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
      // The key's bytes between others, as a request holds them.
      buf.fill(0x7a);
      for (let j = 0; j < k.length; j++) buf[3 + j] = k.charCodeAt(j);
      const e = 3 + k.length;
      assert.equal(hashOfBytes(buf, 3, e), h);
      if (r < 0.8) assert.equal(ex.getBytes(buf, 3, e, h), model.get(k));
      else if (r < 0.9) assert.equal(ex.takeBytes(buf, 3, e, h), takeFrom(model, k));
      else {
        const at = Date.now() + Math.floor(rand() * 1e9);
        const was = model.get(k);
        assert.equal(ex.setBytes(buf, 3, e, at, h), was, "setBytes gives the time replaced");
        if (was !== undefined) model.set(k, at); // else nothing done: `set` takes a new key
      }
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
