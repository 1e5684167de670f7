// HashValue against a model (a plain JS Map): random sets and deletes, then every observable
// (size, values, insertion order, random positions, scan) must agree with the model.
import assert from "node:assert/strict";
import { HashValue } from "../../src/store/hash.ts";

function drain(it: Iterator<string>): string[] {
  const out: string[] = [];
  for (let r = it.next(); !r.done; r = it.next()) out.push(r.value);
  return out;
}

Deno.test("HashValue matches a Map model under random sets and deletes", () => {
  // Over 10 fields a hash is searched as an array; over 300 it builds its table on the way.
  for (const fields of [10, 300]) matchesModel(fields);
});

function matchesModel(fieldCount: number): void {
  const h = new HashValue();
  const model = new Map<string, string>();
  for (let step = 0; step < 20_000; step++) {
    const f = `f${Math.floor(Math.random() * fieldCount)}`;
    if (Math.random() < 0.6) {
      const v = `v${step}`;
      assert.equal(h.set(f, v), !model.has(f));
      model.set(f, v);
    } else {
      assert.equal(h.delete(f), model.has(f));
      model.delete(f);
    }
    assert.equal(h.size, model.size);
    assert.equal(h.get(f), model.get(f));
    // Now and then only: a random pick closes the holes removals leave, which must also work.
    if (h.size > 0 && step % 64 === 0) {
      const at = h.randomIndex();
      assert.equal(model.get(h.fieldAt(at)), h.valueAt(at));
    }
  }
  // forEach keeps insertion order, as the Map model (and Redis's listpack) does.
  const pairs: [string, string][] = [];
  h.forEach((f, v) => pairs.push([f, v]));
  assert.deepEqual(pairs, [...model]);
  // HSCAN of a small hash in one call lists it in that order too; a cursor walk in table order.
  assert.deepEqual(drain(h.scan(true)), [...model.keys()]);
  assert.deepEqual(drain(h.scan()).sort(), [...model.keys()].sort());
  for (const at of h.sample(Math.min(10, h.size - 1))) {
    assert.equal(model.get(h.fieldAt(at)), h.valueAt(at));
  }
}

Deno.test("HashValue past the listpack's size: O(1) removals keep every pair", () => {
  const h = new HashValue();
  const model = new Map<string, string>();
  for (let step = 0; step < 20_000; step++) {
    const f = `f${Math.floor(Math.random() * 2000)}`;
    if (Math.random() < 0.7) {
      assert.equal(h.set(f, `v${step}`), !model.has(f));
      model.set(f, `v${step}`);
    } else {
      assert.equal(h.delete(f), model.has(f));
      model.delete(f);
    }
    assert.equal(h.get(f), model.get(f));
  }
  assert.ok(h.size > 512, "the walk grew past the listpack's size");
  const pairs: [string, string][] = [];
  h.forEach((f, v) => pairs.push([f, v]));
  const byField = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : 1);
  assert.deepEqual(pairs.sort(byField), [...model].sort(byField));
  for (let at = 0; at < h.size; at++) assert.equal(model.get(h.fieldAt(at)), h.valueAt(at));
});

Deno.test("HashValue encoding follows the contents and clone is deep", () => {
  const h = new HashValue();
  for (let i = 0; i < 512; i++) h.set(`f${i}`, "v");
  assert.equal(h.encoding(), "listpack");
  h.set("one-more", "v");
  assert.equal(h.encoding(), "hashtable");
  h.delete("one-more");
  assert.equal(h.encoding(), "listpack");
  h.set("f0", "x".repeat(65));
  assert.equal(h.encoding(), "hashtable");
  const copy = h.clone();
  copy.set("f1", "changed");
  assert.equal(h.get("f1"), "v");
  assert.equal(copy.size, h.size);
});
