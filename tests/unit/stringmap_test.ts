// StringMap: the keyspace's open-addressing table, resized a step at a time, checked against a
// Map model.
import assert from "node:assert/strict";
import { hashOf, hashOfBytes, StringMap, unwrittenIsEmpty } from "../../src/store/stringmap.ts";
import { seededRandom } from "../helpers/random.ts";

function assertSame(map: StringMap<number>, model: Map<string, number>): void {
  assert.equal(map.size, model.size);
  for (const [k, v] of model) assert.equal(map.get(k), v, `value of ${k}`);
  assert.deepEqual([...map.keys()].sort(), [...model.keys()].sort());
  assertTagsMarkFreeSlots(map);
}

/** In the table in use, a slot's tag is 0 exactly where it holds no key (searches stop there). */
function assertTagsMarkFreeSlots(map: StringMap<number>): void {
  const chunks = map["chunks"] as unknown[][];
  const tags = map["tags"] as Uint8Array;
  for (let i = 0; i < tags.length; i++) {
    const key = chunks[(2 * i) >> 12][(2 * i) & 4095]; // CHUNK_BITS: 12
    assert.equal(tags[i] === 0, key === undefined, `slot ${i}`);
  }
}

/**
 * A map of `n` keys `${prefix}${i}` (value i), and the keys of every `every`-th i: those a walk
 * test keeps present throughout.
 */
function filled(prefix: string, n: number, every: number) {
  const map = new StringMap<number>();
  for (let i = 0; i < n; i++) map.set(`${prefix}${i}`, i);
  const stable = new Set<string>();
  for (let i = 0; i < n; i += every) stable.add(`${prefix}${i}`);
  return { map, stable };
}

Deno.test("random sets and deletes match a Map through growth and shrinking", () => {
  const rand = seededRandom(7);
  const map = new StringMap<number>();
  const model = new Map<string, number>();
  // Few distinct keys at first (long probe runs in small tables), then many (resizes a step at
  // a time, with writes and deletes in their midst), then deletes down to nothing: every kind of
  // resize and every back-shift of a delete is exercised.
  const phases = [[20_000, 3_000, 0.3], [60_000, 40_000, 0.2], [80_000, 40_000, 0.9]];
  for (const [ops, keys, pDelete] of phases) {
    for (let i = 0; i < ops; i++) {
      const k = `k${Math.floor(rand() * keys)}`;
      if (rand() < pDelete) assert.equal(map.delete(k), model.delete(k));
      else {
        map.set(k, i);
        model.set(k, i);
      }
      assert.equal(map.has(k), model.has(k));
    }
    assertSame(map, model);
  }
  for (const k of [...model.keys()]) {
    assert.equal(map.delete(k), true);
    model.delete(k);
  }
  assertSame(map, model);
  assert.equal(map.get("k1"), undefined);
  assert.ok(unwrittenIsEmpty());
});

Deno.test("keys that share a home slot are all found and deleted", () => {
  // Keys whose hashes agree in the low 6 bits collide in every table up to 64 slots: deleting
  // from the middle of their probe run must keep the rest reachable.
  const map = new StringMap<number>();
  const colliding: string[] = [];
  const target = hashOf("x0") & 63;
  for (let i = 1; colliding.length < 40; i++) {
    const k = `x${i}`;
    if ((hashOf(k) & 63) === target) colliding.push(k);
  }
  colliding.forEach((k, i) => map.set(k, i));
  for (let i = 0; i < colliding.length; i += 3) assert.equal(map.delete(colliding[i]), true);
  colliding.forEach((k, i) => assert.equal(map.get(k), i % 3 === 0 ? undefined : i, k));
  assert.equal(map.size, colliding.length - Math.ceil(colliding.length / 3));
});

Deno.test("an iterator yields every key present throughout once, whatever is added or deleted (no shrink)", () => {
  const rand = seededRandom(11);
  const { map, stable } = filled("s", 20_000, 2);
  const seen = new Map<string, number>();
  let added = 0;
  for (const k of map.keys()) {
    seen.set(k, (seen.get(k) ?? 0) + 1);
    // Delete odd keys, add new ones (the table grows a step at a time under the walk).
    const victim = `s${2 * Math.floor(rand() * 10_000) + 1}`;
    map.delete(victim);
    for (let j = 0; j < 2; j++) map.set(`n${added++}`, 0);
  }
  for (const k of stable) assert.equal(seen.get(k), 1, `${k} seen once`);
  for (const [k, n] of seen) assert.equal(n, 1, `${k} yielded ${n} times`);
  for (const k of seen.keys()) {
    if (!stable.has(k)) assert.match(k, /^(s\d*[13579]|n\d+)$/);
  }
});

Deno.test("entries yield current values and skip keys deleted before their turn", () => {
  const map = new StringMap<number>();
  for (let i = 0; i < 5000; i++) map.set(`e${i}`, i);
  const it = map.entries();
  const first = it.next().value as [string, number];
  for (let i = 0; i < 5000; i++) {
    if (i % 2 === 0) map.delete(`e${i}`);
    else map.set(`e${i}`, -i);
  }
  const rest = [...{ [Symbol.iterator]: () => it }];
  for (const [k, v] of rest) {
    const i = Number(k.slice(1));
    assert.equal(i % 2, 1, `${k} was deleted before its turn`);
    assert.equal(v, -i);
  }
  const firstOdd = Number(first[0].slice(1)) % 2 === 1;
  assert.equal(rest.length, firstOdd ? 2499 : 2500, "every odd key but the first yielded");
});

Deno.test("clear empties the table and a walk in progress ends", () => {
  const map = new StringMap<string>();
  for (let i = 0; i < 3000; i++) map.set(`c${i}`, "v");
  const it = map.keys();
  it.next();
  map.clear();
  assert.equal(map.size, 0);
  assert.equal([...{ [Symbol.iterator]: () => it }].length, 0);
  map.set("again", "v");
  assert.deepEqual([...map.keys()], ["again"]);
});

Deno.test("a walk of one table sees every key present throughout while it grows and shrinks", () => {
  // The walk goes on across resizes both ways, as SCAN must.
  const rand = seededRandom(5);
  const { map, stable } = filled("t", 5000, 10);
  const ever = new Set(map.keys());
  const seen = new Set<string>();
  let step = 0;
  for (const k of map.keys()) {
    seen.add(k);
    step++;
    if (step < 300) {
      // Grow: many new keys, so the table doubles more than once mid-walk.
      for (let j = 0; j < 40; j++) {
        const n = `g${step}-${j}`;
        map.set(n, 0);
        ever.add(n);
      }
    } else {
      // Then shrink: delete nearly everything that is not stable.
      for (let j = 0; j < 60; j++) {
        const i = Math.floor(rand() * 5000);
        if (i % 10 !== 0) map.delete(`t${i}`);
      }
      for (const n of [...ever]) if (n.startsWith("g") && rand() < 0.2) map.delete(n);
    }
  }
  for (const k of stable) assert.ok(seen.has(k), `${k} present throughout but never yielded`);
  for (const k of seen) assert.ok(ever.has(k), `${k} yielded but never stored`);
});

Deno.test("a key's bytes hash and look up as its string does", () => {
  const rand = seededRandom(11);
  const map = new StringMap<number>();
  const keys: string[] = [];
  for (let i = 0; i < 3000; i++) {
    // Any byte, 0 and 255 among them; lengths from 0 to past the short-string paths.
    const n = Math.floor(rand() * 48);
    let k = "";
    for (let j = 0; j < n; j++) k += String.fromCharCode(Math.floor(rand() * 256));
    keys.push(k);
    map.set(k, i);
  }
  // Each key written into a buffer between other bytes, as a request holds its arguments.
  const buf = new Uint8Array(64);
  const place = (k: string): [number, number] => {
    buf.fill(0x61);
    for (let j = 0; j < k.length; j++) buf[5 + j] = k.charCodeAt(j);
    return [5, 5 + k.length];
  };
  keys.forEach((k) => {
    const [s, e] = place(k);
    const h = hashOfBytes(buf, s, e);
    assert.equal(h, hashOf(k));
    assert.equal(map.getBytes(buf, s, e, h), map.get(k));
    // Not found: one byte more, one byte less, one byte changed.
    for (const [s2, e2] of [[s, e + 1], [s, e - 1], [s - 1, e - 1]]) {
      if (e2 < s2) continue;
      const other = String.fromCharCode(...buf.subarray(s2, e2));
      assert.equal(map.getBytes(buf, s2, e2, hashOfBytes(buf, s2, e2)), map.get(other));
    }
  });
  const [s, e] = place(keys[7]);
  assert.equal(map.replaceBytes(buf, s, e, -1, hashOfBytes(buf, s, e)), 7, "the value replaced");
  assert.equal(map.get(keys[7]), -1);
  const size = map.size;
  const [s2, e2] = place("\u00ffnot a key\u0000");
  assert.equal(map.replaceBytes(buf, s2, e2, -2, hashOfBytes(buf, s2, e2)), undefined);
  assert.equal(map.size, size, "replaceBytes never adds a key");
  // takeBytes removes what take would, and only that, and returns the value it had.
  assert.equal(map.takeBytes(buf, s2, e2, hashOfBytes(buf, s2, e2)), undefined);
  const left = new Set(keys);
  for (const k of keys.slice(0, 1000)) {
    const [s3, e3] = place(k);
    const had = map.get(k);
    assert.equal(map.takeBytes(buf, s3, e3, hashOfBytes(buf, s3, e3)), had);
    assert.equal(had !== undefined, left.delete(k));
  }
  assert.equal(map.size, left.size);
  for (const k of keys) assert.equal(map.has(k), left.has(k));
});

Deno.test("a byte lookup compares every byte of a key whose hash byte and slot match", () => {
  // Two keys of one length that differ in their first byte only, with the same hash byte and
  // home slot in a 4-slot table (bits 22-29 and 0-1 of the hash, see stringmap.ts): a lookup of
  // one passes the other and must tell them apart by their bytes.
  const candidates: string[] = [];
  for (const suffix of ["-key", "-another", "-third"]) {
    for (let c = 0; c < 256; c++) candidates.push(String.fromCharCode(c) + suffix);
  }
  const seen = new Map<string, string>();
  let pair: [string, string] | undefined;
  for (const k of candidates) {
    const h = hashOf(k);
    const slot = `${k.length}:${h >>> 22}:${h & 3}`;
    const other = seen.get(slot);
    if (other !== undefined) {
      pair = [other, k];
      break;
    }
    seen.set(slot, k);
  }
  assert.ok(pair, "768 candidates give such a pair (~96 pairs expected)");
  const [stored, probe] = pair;
  const table = new StringMap<number>();
  table.set(stored, 1);
  const buf = new Uint8Array(probe.length);
  for (let i = 0; i < probe.length; i++) buf[i] = probe.charCodeAt(i);
  const h = hashOfBytes(buf, 0, buf.length);
  assert.equal(table.getBytes(buf, 0, buf.length, h), undefined);
  assert.equal(table.replaceBytes(buf, 0, buf.length, 2, h), undefined);
  assert.equal(table.get(stored), 1);
});

Deno.test("mid-resize, every key is found once, in either table, and writes land in one", () => {
  const map = new StringMap<number>();
  const model = new Map<string, number>();
  // 2,048 slots hold up to 1,536 keys; the next key starts a resize to 4,096 slots, which takes
  // two writes to allocate and 64 more to move the old table's entries.
  for (let i = 0; i < 1540; i++) {
    map.set(`m${i}`, i);
    model.set(`m${i}`, i);
  }
  assert.equal(map.resizing, true);
  // Each write moves the resize on by 32 slots of 2,048.
  for (let step = 0; map.resizing; step++) {
    // Between steps: update, delete and add keys, wherever they are now.
    const i = step * 7;
    map.set(`m${i}`, -i);
    model.set(`m${i}`, -i);
    // Taken by its string or by its bytes, in turn.
    const gone = `m${i + 3}`;
    const bytes = new TextEncoder().encode(gone);
    const had = model.get(gone);
    model.delete(gone);
    assert.equal(
      step % 2 === 0
        ? map.take(gone)
        : map.takeBytes(bytes, 0, bytes.length, hashOfBytes(bytes, 0, bytes.length)),
      had,
    );
    map.set(`n${step}`, step);
    model.set(`n${step}`, step);
    assert.equal(map.size, model.size);
    for (const [k, v] of model) assert.equal(map.get(k), v, `${k} at step ${step}`);
    const each: string[] = [];
    map.forEach((_, k) => each.push(k));
    assert.deepEqual(each.sort(), [...model.keys()].sort(), `forEach at step ${step}`);
    assert.deepEqual(
      [...map.entries()].sort(),
      [...model.entries()].sort(),
      `walk at step ${step}`,
    );
  }
  assert.equal(map.advanceResize(Infinity), false, "nothing left to move");
  assert.equal(map.resizing, false);
  for (const [k, v] of model) assert.equal(map.get(k), v);
});

Deno.test("a big table resizes only as writes (or advanceResize) move it on", () => {
  const map = new StringMap<number>();
  for (let i = 0; i < 100_000; i++) map.set(`b${i}`, i);
  // 100,000 keys left a resize under way (the last doubling, at 98,305, to 262,144 slots), and
  // reads alone never finish it; a clone finishes it first.
  for (let i = 0; i < 1000; i++) map.get(`b${i}`);
  assert.equal(map.resizing, true);
  const copy = map.clone();
  assert.deepEqual([map.resizing, copy.resizing], [false, false]);
  for (let i = 0; i < 100_000; i += 997) {
    assert.equal(copy.get(`b${i}`), i);
    assert.equal(map.get(`b${i}`), i);
  }
  // Deleting nearly all shrinks it a step at a time; the survivors stay. advanceResize finishes
  // what the writes leave.

  for (let i = 0; i < 100_000; i++) if (i % 1000 !== 0) map.delete(`b${i}`);
  assert.equal(map.size, 100);
  if (map.resizing) assert.equal(map.advanceResize(Infinity), false);
  assert.equal(map.resizing, false);
  assert.deepEqual(
    [...map.keys()].sort(),
    [...copy.keys()].filter((k) => +k.slice(1) % 1000 === 0).sort(),
  );
});

Deno.test("a resize out of a table with chunks never written stores new keys in the new one", () => {
  // Keys homed in the first 4,096 slots of a 16,384-slot table (two chunks) run on into the next
  // two and leave its last four chunks unwritten. The table then shrinks while keys homed in
  // those chunks arrive: they must go to the new table, and the chunk that every table shares
  // where it has written nothing must stay empty (a key written there would turn up in other
  // tables, and this test fails when the old table's check for it is removed).
  const low: string[] = [];
  const high: string[] = [];
  for (let i = 0; low.length < 6_200 || high.length < 400; i++) {
    const k = `u${i}`;
    const home = hashOf(k) & 16_383;
    if (home < 4_096) low.push(k);
    else if (home >= 8_192) high.push(k);
  }
  const map = new StringMap<number>();
  const model = new Map<string, number>();
  const put = (k: string, v: number) => {
    map.set(k, v);
    model.set(k, v);
  };
  low.slice(0, 6_200).forEach(put);
  map.advanceResize(Infinity);
  // Below 2,048 keys of 16,384 slots the shrink to 8,192 starts; then keys homed high arrive.
  for (const k of low.slice(0, 4_200)) assert.equal(map.delete(k), model.delete(k));
  assert.equal(map.resizing, true);
  high.slice(0, 400).forEach(put);
  assert.ok(unwrittenIsEmpty());
  map.advanceResize(Infinity);
  assert.equal(map.size, model.size);
  for (const [k, v] of model) assert.equal(map.get(k), v);
  assert.ok(unwrittenIsEmpty());
});

Deno.test("touch only reads, in any state of a table and for any hash", () => {
  const rand = seededRandom(11);
  const map = new StringMap<number>();
  const model = new Map<string, number>();
  const hs = new Int32Array(32);
  const wants = new Uint8Array(32);
  for (let i = 0; i < 20_000; i++) {
    const key = `k${Math.floor(rand() * 15_000)}`;
    if (rand() < 0.3) {
      map.delete(key);
      model.delete(key);
    } else {
      map.set(key, i);
      model.set(key, i);
    }
    if (i % 97 === 0) {
      // Hashes of keys present, of keys absent, and any 32-bit value at all.
      for (let j = 0; j < hs.length; j++) {
        const pick = rand();
        hs[j] = pick < 0.4 ? hashOf(key) : pick < 0.7 ? hashOf(`absent${j}`) : rand() * 2 ** 32;
        wants[j] = j % 3;
      }
      map.touch(hs, wants, hs.length);
      if (i % 970 === 0) assertSame(map, model);
    }
  }
  assertSame(map, model);
});

Deno.test("a table only read from after its resize began finishes it; forEach's reads do not", () => {
  const map = new StringMap<number>();
  let n = 0;
  while (!map.resizing) map.set(`key:${n}`, n++);
  // forEach visits every entry once, and the lookups its callback makes move nothing.
  let seen = 0;
  map.forEach((v, k) => {
    assert.equal(map.get(k), v);
    assert.equal(map.get(`absent:${k}`), undefined);
    seen++;
  });
  assert.equal(seen, n);
  assert.ok(map.resizing);
  // Lookups alone, of keys present and absent, finish the resize: each that searches the old
  // table moves it on. Before, such a table searched two tables for good.
  let lookups = 0;
  for (let i = 0; map.resizing && lookups < 100_000; i++, lookups++) {
    assert.equal(map.get(`key:${i % n}`), i % n);
    assert.equal(map.has(`absent:${i}`), false);
  }
  assert.equal(map.resizing, false, `still resizing after ${lookups} lookups`);
  for (let i = 0; i < n; i++) assert.equal(map.get(`key:${i}`), i);
  assert.equal(map.size, n);
});

Deno.test("visitSlots visits each entry once a pass, and again a slot whose key it deleted", () => {
  const map = new StringMap<number>();
  for (let i = 0; i < 5_000; i++) map.set(`v${i}`, i);
  map.advanceResize(Infinity);
  // A pass in steps of 7 sees every entry with its value once, and ends at 0.
  const seen = new Map<string, number>();
  let cursor = 0;
  let steps = 0;
  do {
    cursor = map.visitSlots(cursor, 7, (k, v) => {
      assert.equal(seen.has(k), false, k);
      seen.set(k, v);
      return false;
    });
    steps++;
  } while (cursor !== 0);
  assert.equal(seen.size, 5_000);
  for (const [k, v] of seen) assert.equal(map.get(k), v);
  assert.ok(steps >= 5_000 / 7);
  // Deleting what it visits: the entries moved back into a slot it deleted are visited too, so
  // one pass deletes all but the few a delete moved back across the end of the table (and the
  // next pass the rest). The deletes shrink the table, which must end resizing between steps.
  const kept = new Set<string>();
  for (let pass = 0; pass < 2; pass++) {
    cursor = 0;
    do {
      map.advanceResize(Infinity);
      cursor = map.visitSlots(cursor, 64, (k) => {
        if (k.endsWith("7")) {
          kept.add(k);
          return false;
        }
        map.delete(k);
        return true;
      });
    } while (cursor !== 0);
  }
  assert.equal(map.size, 500);
  assert.equal(kept.size, 500);
  for (const k of kept) assert.equal(map.get(k), +k.slice(1));
});
