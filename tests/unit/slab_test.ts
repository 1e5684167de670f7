// Slab: short string values as bytes, and the keyspace that keeps them there.
import assert from "node:assert/strict";
import { INLINE_MAX, Slab } from "../../src/store/slab.ts";
import { Keyspace } from "../../src/store/keyspace.ts";
import { ByteBuffer } from "../../src/protocol/latin1.ts";
import { seededRandom } from "../helpers/random.ts";

/** A byte string of `n` random bytes, 0 and 255 among them. */
function bytes(rand: () => number, n: number): string {
  let s = "";
  for (let j = 0; j < n; j++) s += String.fromCharCode(Math.floor(rand() * 256));
  return s;
}

Deno.test("the slab keeps values of 1 to INLINE_MAX bytes exactly, from bytes or strings", () => {
  const slab = new Slab();
  const rand = seededRandom(3);
  const kept: [number, string][] = [];
  for (let n = 1; n <= INLINE_MAX; n++) {
    for (const v of [bytes(rand, n), "\u0000".repeat(n), "\u00ff".repeat(n)]) {
      kept.push([slab.store(v, 0, v.length), v]);
      const b = new Uint8Array(n + 6).fill(0x61);
      for (let j = 0; j < n; j++) b[3 + j] = v.charCodeAt(j);
      kept.push([slab.store(b, 3, 3 + n), v]);
    }
  }
  for (const [h, v] of kept) {
    assert.ok(h >= 0 && Number.isInteger(h) && h < 2 ** 30);
    assert.equal(slab.string(h), v);
    assert.equal(slab.end(h) - slab.start(h), v.length);
    assert.deepEqual(
      [...slab.page(h).subarray(slab.start(h), slab.end(h))],
      [...v].map((c) => c.charCodeAt(0)),
    );
  }
  assert.equal(slab.size, kept.length);
  assert.equal(new Set(kept.map(([h]) => h)).size, kept.length, "every value has its own slot");
  // The empty string and longer ones stay strings.
  assert.equal(slab.store("", 0, 0), -1);
  assert.equal(slab.store("x".repeat(INLINE_MAX + 1), 0, INLINE_MAX + 1), -1);
  assert.equal(slab.store(new Uint8Array(100), 0, INLINE_MAX + 1), -1);
  assert.equal(slab.size, kept.length);
});

Deno.test("a freed slot is taken again and the others keep their bytes; memory goes back", () => {
  const slab = new Slab();
  const str = (v: string) => slab.store(v, 0, v.length);
  const hs = Array.from({ length: 3000 }, (_, i) => str(`v${i}`.padEnd(16, ".")));
  const full = slab.bytes;
  assert.ok(full >= 3000 * 16);
  slab.free(hs[5]);
  const again = str("x".repeat(12)); // same class: 9 to 16 bytes
  assert.equal(slab.start(again), slab.start(hs[5]));
  assert.equal(slab.page(again), slab.page(hs[5]));
  assert.equal(slab.string(again), "x".repeat(12));
  assert.equal(slab.string(hs[4]), "v4".padEnd(16, "."));
  assert.equal(slab.string(hs[6]), "v6".padEnd(16, "."));
  assert.equal(slab.bytes, full, "no new page");
  // The class's last value gives back all its pages but one.
  slab.free(again);
  for (let i = 0; i < hs.length; i++) if (i !== 5) slab.free(hs[i]);
  assert.equal(slab.size, 0);
  assert.ok(slab.bytes > 0 && slab.bytes < full / 2, `${slab.bytes} of ${full}`);
  const kept = slab.bytes;
  const h = str("y".repeat(16));
  assert.equal(slab.string(h), "y".repeat(16));
  assert.equal(slab.bytes, kept, "the page kept serves");
  slab.reset();
  assert.deepEqual([slab.size, slab.bytes], [0, 0]);
});

Deno.test("the keyspace frees a short value's slot exactly once, however it goes", () => {
  // Random writes, overwrites, increments, deletes and expiries against a Map: a slot freed twice would be
  // shared by two keys, one freed never would leak, and either shows here.
  const rand = seededRandom(17);
  const ks = new Keyspace();
  const model = new Map<string, string>();
  const keys = Array.from({ length: 60 }, (_, i) => `key:${i}`);
  const mem = new ByteBuffer(256);
  for (let step = 0; step < 20_000; step++) {
    const key = keys[Math.floor(rand() * keys.length)];
    const value = bytes(rand, Math.floor(rand() * (INLINE_MAX + 16)));
    const op = Math.floor(rand() * 10);
    if (op === 0) {
      ks.set(key, value);
      model.set(key, value);
    } else if (op === 1) {
      // As SET and MSET: the key and the value in a request's bytes.
      mem.writeLatin1(key, 8);
      mem.writeLatin1(value, 100);
      ks.setBytes(mem, 8, 8 + key.length, 100, 100 + value.length);
      model.set(key, value);
    } else if (op === 2) {
      if (model.has(key)) ks.overwrite(key, value);
      if (model.has(key)) model.set(key, value);
    } else if (op === 3) {
      // As INCR: a replacement by the key's bytes, refused for a missing key.
      mem.writeLatin1(key, 8);
      const done = ks.overwriteBytes(mem, 8, 8 + key.length, value);
      assert.equal(done, model.has(key));
      if (done) model.set(key, value);
    } else if (op === 4) {
      assert.equal(ks.delete(key), model.delete(key));
    } else if (op === 5) {
      ks.setWithExpiry(key, value, Date.now() - 1); // gone at its next lookup
      model.delete(key);
    } else if (op === 6) {
      if (model.has(key)) ks.expireAt(key, 0);
      model.delete(key);
    } else if (op === 7) {
      ks.setWithExpiry(key, value, Date.now() + 60_000);
      model.set(key, value);
    } else if (op === 8 && /^-?\d{1,15}$/.test(model.get(key) ?? "")) {
      // As INCR: an integer rewritten in its slot, or moved when its digits change class.
      mem.writeLatin1(key, 8);
      const held = ks.getStored(mem, 8, 8 + key.length)!;
      const n = Number(model.get(key)) + [1, -1, 9, -9, 1000, -123456789][step % 6];
      ks.overwriteIntBytes(mem, 8, 8 + key.length, held, n);
      model.set(key, String(n));
    } else if (op === 8) {
      ks.set(key, String(Math.floor(rand() * 2e9) - 1e9));
      model.set(key, ks.get(key) as string);
    } else if (step % 500 === 0) {
      ks.flush();
      model.clear();
    }
    assert.equal(ks.get(key), model.get(key), `step ${step}, ${key}`);
  }
  for (const key of keys) assert.equal(ks.get(key), model.get(key), key);
  const short = [...model.values()].filter((v) => v.length > 0 && v.length <= INLINE_MAX);
  assert.equal(ks.slab.size, short.length, "one slot per short value held, no more");
});

Deno.test("a value is rewritten in its slot by one of its class, and only by one", () => {
  const slab = new Slab();
  const str = (v: string) => slab.store(v, 0, v.length);
  const h = str("a".repeat(12));
  const other = str("b".repeat(12));
  assert.equal(slab.rewrite(h, "c".repeat(12), 0, 12), h, "same length, same handle");
  assert.equal(slab.string(h), "c".repeat(12));
  const b = new Uint8Array(20).fill(0x64);
  const h16 = slab.rewrite(h, b, 2, 18);
  assert.equal(slab.start(h16), slab.start(h), "16 bytes: the same class, the same slot");
  assert.equal(slab.string(h16), "d".repeat(16));
  assert.equal(slab.rewrite(h16, "e".repeat(17), 0, 17), -1, "17 bytes: the next class");
  assert.equal(slab.rewrite(h16, "e".repeat(8), 0, 8), -1, "8 bytes: the class before");
  assert.equal(slab.rewrite(h16, "", 0, 0), -1);
  assert.equal(slab.string(h16), "d".repeat(16), "nothing written when refused");
  assert.equal(slab.rewriteInt(h16, 123456789012), (h16 & ~63) | 11);
  assert.equal(slab.string((h16 & ~63) | 11), "123456789012");
  assert.equal(slab.rewriteInt(h16, 7), -1);
  assert.equal(slab.string(other), "b".repeat(12), "the neighbour untouched");
  assert.equal(slab.size, 2);
});
