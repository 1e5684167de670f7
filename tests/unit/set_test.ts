// SetValue and sampleIndexes against a model (a plain JS Set): random operations, then every
// observable (size, membership, members, random picks) must agree with the model.
import assert from "node:assert/strict";
import { sampleIndexes, SetValue } from "../../src/store/set.ts";

Deno.test("SetValue matches a Set model under random adds, deletes and pops", () => {
  // Over 10 members a set is searched as an array; over 300 it builds its table on the way.
  for (const members of [10, 300]) matchesModel(members);
});

function matchesModel(memberCount: number): void {
  const s = new SetValue();
  const model = new Set<string>();
  for (let step = 0; step < 20_000; step++) {
    const m = `m${Math.floor(Math.random() * memberCount)}`;
    const op = Math.random();
    if (op < 0.5) {
      assert.equal(s.add(m), !model.has(m));
      model.add(m);
    } else if (op < 0.8) {
      assert.equal(s.delete(m), model.has(m));
      model.delete(m);
    } else if (s.size > 0) {
      const popped = s.pop();
      assert.ok(model.delete(popped), `popped ${popped} was a member`);
    }
    assert.equal(s.size, model.size);
    assert.equal(s.has(m), model.has(m));
    if (s.size > 0) assert.ok(model.has(s.random()));
  }
  assert.deepEqual([...s.values()].sort(), [...model].sort());
  const scanned: string[] = [];
  for (let it = s.scan(), r = it.next(); !r.done; r = it.next()) scanned.push(r.value);
  assert.deepEqual(scanned.sort(), [...model].sort());
}

Deno.test("SetValue.sample gives distinct members, each member eventually", () => {
  const s = SetValue.of(["a", "b", "c", "d", "e"]);
  const seen = new Set<string>();
  for (let i = 0; i < 200; i++) {
    const picks = s.sample(2);
    assert.equal(picks.length, 2);
    assert.notEqual(picks[0], picks[1]);
    for (const p of picks) {
      assert.ok(s.has(p));
      seen.add(p);
    }
  }
  // Each member is missed by one call with probability 3/5: never in 200 calls is 0.6^200.
  assert.equal(seen.size, 5);
});

Deno.test("sampleIndexes is a uniform partial shuffle: distinct, in range, every position", () => {
  const n = 10;
  const counts = new Array(n).fill(0);
  const trials = 20_000;
  for (let t = 0; t < trials; t++) {
    const picks = sampleIndexes(n, 3);
    assert.equal(new Set(picks).size, 3);
    for (const p of picks) {
      assert.ok(Number.isInteger(p) && p >= 0 && p < n);
      counts[p]++;
    }
  }
  // Expected 6000 per position (sd ≈ 65): a bias of a tenth would be 9 sd away.
  for (const c of counts) assert.ok(Math.abs(c - 6000) < 600, `position count ${c}`);
  assert.deepEqual(sampleIndexes(4, 4).sort(), [0, 1, 2, 3]);
  assert.deepEqual(sampleIndexes(5, 0), []);
});

Deno.test("SetValue encoding follows the contents: intset, else hashtable (Redis 7.0)", () => {
  const ints = SetValue.of(Array.from({ length: 512 }, (_, i) => String(i - 100)));
  assert.equal(ints.encoding(), "intset");
  ints.add("512");
  assert.equal(ints.encoding(), "hashtable");
  assert.equal(SetValue.of(["1", "01"]).encoding(), "hashtable"); // "01" is not canonical
  assert.equal(SetValue.of(["9223372036854775807", "-9223372036854775808"]).encoding(), "intset");
  assert.equal(SetValue.of(["9223372036854775808"]).encoding(), "hashtable");
  assert.equal(SetValue.of(["x"]).encoding(), "hashtable");
  assert.equal(SetValue.of(["x".repeat(65)]).encoding(), "hashtable");
  assert.equal(SetValue.of(Array.from({ length: 129 }, (_, i) => `m${i}`)).encoding(), "hashtable");
  const copy = ints.clone();
  copy.delete("1");
  assert.ok(ints.has("1") && !copy.has("1"));
});

Deno.test("SetValue.ordered lists an intset in ascending order, other sets as they are", () => {
  const ints = SetValue.of(["10", "-1", "3", "-9223372036854775808", "9223372036854775807"]);
  assert.deepEqual(ints.ordered(), [
    "-9223372036854775808",
    "-1",
    "3",
    "10",
    "9223372036854775807",
  ]);
  const scanned: string[] = [];
  for (let it = ints.scan(true), r = it.next(); !r.done; r = it.next()) scanned.push(r.value);
  assert.deepEqual(scanned, ints.ordered());
  const mixed = SetValue.of(["10", "x", "3"]);
  assert.deepEqual(mixed.ordered(), ["10", "x", "3"]);
});
