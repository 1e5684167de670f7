// The sorted set store against a plain sorted-array model: thousands of random adds, updates,
// deletes and range deletes, after each of which ranks, scores, score and lex counts and walks
// must agree. Run for both forms (the small arrays and the B+tree the set moves to).
import assert from "node:assert/strict";
import {
  ADDED,
  type LexBound,
  NAN,
  NOP,
  UPDATED,
  ZADD_GT,
  ZADD_INCR,
  ZADD_LT,
  ZADD_NX,
  ZADD_XX,
  ZsetValue,
} from "../../src/store/zset.ts";
import { seededRandom } from "../helpers/random.ts";
import { BTree } from "../../src/store/btree.ts";

type Entry = [string, number];

/** The model: entries sorted by (score, member). */
class Model {
  entries: Entry[] = [];
  private sort(): void {
    this.entries.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }
  score(m: string): number | undefined {
    return this.entries.find((e) => e[0] === m)?.[1];
  }
  set(m: string, s: number): void {
    this.delete(m);
    this.entries.push([m, s]);
    this.sort();
  }
  delete(m: string): boolean {
    const i = this.entries.findIndex((e) => e[0] === m);
    if (i === -1) return false;
    this.entries.splice(i, 1);
    return true;
  }
  rank(m: string): number {
    return this.entries.findIndex((e) => e[0] === m);
  }
}

function walkAll(z: ZsetValue, from: number, count: number, reverse: boolean): Entry[] {
  const out: Entry[] = [];
  z.walk(from, count, reverse, (m, s) => out.push([m, s]));
  return out;
}

/** Checks every query of `z` against the model. */
function check(z: ZsetValue, model: Model, rand: () => number, members: string[]): void {
  const e = model.entries;
  assert.equal(z.size, e.length);
  assert.deepEqual(walkAll(z, 0, e.length, false), e);
  if (e.length > 0) {
    assert.deepEqual(walkAll(z, e.length - 1, e.length, true), [...e].reverse());
    const from = Math.floor(rand() * e.length);
    const count = Math.floor(rand() * 10);
    assert.deepEqual(walkAll(z, from, count, false), e.slice(from, from + count));
    assert.deepEqual(
      walkAll(z, from, count, true),
      e.slice(Math.max(0, from - count + 1), from + 1).reverse(),
    );
  }
  for (let k = 0; k < 5; k++) {
    const m = members[Math.floor(rand() * members.length)];
    assert.equal(z.score(m), model.score(m));
    assert.equal(z.rank(m), model.rank(m));
    const x = Math.floor(rand() * 40) - 20 + (rand() < 0.5 ? 0.5 : 0);
    assert.equal(z.countScoreBelow(x, false), e.filter((t) => t[1] < x).length);
    assert.equal(z.countScoreBelow(x, true), e.filter((t) => t[1] <= x).length);
  }
}

function randomOps(seed: number, nMembers: number, ops: number, bigMembers: boolean): void {
  const rand = seededRandom(seed);
  const members = Array.from(
    { length: nMembers },
    (_, i) => (bigMembers && i % 7 === 0 ? "x".repeat(70) : "") + "m" + i,
  );
  const z = new ZsetValue();
  const model = new Model();
  for (let op = 0; op < ops; op++) {
    const m = members[Math.floor(rand() * members.length)];
    const score = Math.floor(rand() * 40) - 20 + (rand() < 0.3 ? 0.25 : 0);
    const r = rand();
    if (r < 0.55) {
      const flags = [0, 0, ZADD_NX, ZADD_XX, ZADD_GT, ZADD_LT, ZADD_INCR][Math.floor(rand() * 7)];
      const cur = model.score(m);
      const out = z.add(m, score, flags);
      const want = cur === undefined ? score : flags & ZADD_INCR ? cur + score : score;
      let expected: number;
      if (cur === undefined) expected = flags & ZADD_XX ? NOP : ADDED;
      else if (flags & ZADD_NX) expected = NOP;
      else if ((flags & ZADD_GT && want <= cur) || (flags & ZADD_LT && want >= cur)) {
        expected = NOP;
      } else expected = want === cur ? 0 : UPDATED;
      assert.equal(out, expected, `op ${op}: add ${m} ${score} flags ${flags}`);
      if (expected === ADDED || expected === UPDATED) model.set(m, want);
      if (expected !== NOP) assert.equal(z.newScore, want);
    } else if (r < 0.85) {
      assert.equal(z.delete(m), model.delete(m));
    } else if (r < 0.9 && model.entries.length > 0) {
      const from = Math.floor(rand() * model.entries.length);
      const to = Math.min(model.entries.length, from + Math.floor(rand() * 5));
      z.deleteRange(from, to);
      model.entries.splice(from, to - from);
    }
    check(z, model, rand, members);
  }
}

Deno.test("small sorted sets match the model", () => {
  for (let seed = 1; seed <= 5; seed++) randomOps(seed, 30, 600, false);
});

Deno.test("large sorted sets match the model through growth and shrinking", () => {
  for (let seed = 10; seed <= 12; seed++) randomOps(seed, 400, 3000, false);
});

Deno.test("a long member moves a small set to the large form", () => {
  const z = new ZsetValue();
  z.add("a", 1, 0);
  assert.equal(z.encoding(), "listpack");
  z.add("y".repeat(65), 2, 0);
  assert.equal(z.encoding(), "skiplist");
  z.delete("y".repeat(65));
  assert.equal(z.encoding(), "skiplist", "Redis never converts back in place");
  randomOps(99, 60, 1500, true);
});

Deno.test("the 129th member moves a small set to the large form", () => {
  const z = new ZsetValue();
  for (let i = 0; i < 128; i++) z.add("m" + i, i, 0);
  assert.equal(z.encoding(), "listpack");
  z.add("m128", 128, 0);
  assert.equal(z.encoding(), "skiplist");
  assert.equal(z.rank("m100"), 100);
});

Deno.test("lex counts bisect by member bytes", () => {
  const members = ["", "a", "ab", "b", "\xff", "\x00"];
  for (const big of [false, true]) {
    const z = big
      ? ZsetValue.of(members.map((m) => m + "z".repeat(70)), [0, 0, 0, 0, 0, 0])
      : ZsetValue.of(members, [0, 0, 0, 0, 0, 0]);
    const suffix = big ? "z".repeat(70) : "";
    const sorted = members.map((m) => m + suffix).sort();
    const bound = (value: string): LexBound => ({ inf: 0, value });
    for (const v of ["", "a", "a\x00", "b", "c", "\xff\xff"]) {
      assert.equal(z.countLexBelow(bound(v), false), sorted.filter((m) => m < v).length);
      assert.equal(z.countLexBelow(bound(v), true), sorted.filter((m) => m <= v).length);
    }
    assert.equal(z.countLexBelow({ inf: -1, value: "" }, true), 0);
    assert.equal(z.countLexBelow({ inf: 1, value: "" }, false), 6);
  }
});

Deno.test("NaN scores and NaN increments are refused", () => {
  const z = new ZsetValue();
  assert.equal(z.add("a", NaN, 0), NAN);
  assert.equal(z.add("a", Infinity, 0), ADDED);
  assert.equal(z.add("a", -Infinity, ZADD_INCR), NAN);
  assert.equal(z.score("a"), Infinity);
});

Deno.test("-0 reads back as 0 in the small form only, as in Redis", () => {
  const small = new ZsetValue();
  small.add("a", -0, 0);
  assert.ok(Object.is(small.score("a"), 0));
  assert.ok(Object.is(small.newScore, -0), "the reply still shows the given -0");
  const big = ZsetValue.of(["x".repeat(65)], [-0]);
  assert.ok(Object.is(big.score("x".repeat(65)), -0));
});

Deno.test("clone copies both forms deeply", () => {
  for (const n of [5, 300]) {
    const z = new ZsetValue();
    for (let i = 0; i < n; i++) z.add("m" + i, i % 17, 0);
    const c = z.clone();
    z.delete("m1");
    z.add("new", 3, 0);
    assert.equal(c.size, n);
    assert.equal(c.score("m1"), 1);
    assert.equal(c.score("new"), undefined);
    assert.equal(c.encoding(), z.encoding());
    c.add("other", 2, 0);
    assert.equal(z.score("other"), undefined);
    assert.equal(c.rank("m0"), 0);
  }
});

Deno.test("a large sorted set emptied by deletions is rebuilt smaller and stays right", () => {
  const z = new ZsetValue();
  const model = new Model();
  for (let i = 0; i < 5000; i++) {
    z.add("m" + i, i % 97, 0);
    model.set("m" + i, i % 97);
  }
  const before = z.clone();
  const it = z.scan()!;
  for (let i = 0; i < 4950; i++) {
    if (i % 2 === 0) z.delete("m" + i), model.delete("m" + i);
  }
  z.deleteRange(0, z.size - 40);
  model.entries.splice(0, model.entries.length - 40);
  assert.equal(z.encoding(), "skiplist");
  // Private, read only to see that the arrays really shrank.
  const capacity = (z as unknown as { store: { capacity: number } }).store.capacity;
  assert.ok(capacity <= 1024, `capacity ${capacity} after shrinking to 40 members`);
  const rand = seededRandom(5);
  check(z, model, rand, Array.from({ length: 5000 }, (_, i) => "m" + i));
  // The iterator taken before the rebuild still yields every member present throughout.
  const seen = new Set<string>();
  for (let r = it.next(); !r.done; r = it.next()) seen.add(r.value);
  for (const [m] of model.entries) assert.ok(seen.has(m));
  assert.equal(before.size, 5000, "the clone was left alone");
});

Deno.test("a tree that held a million members can be cloned", () => {
  const list = new BTree();
  for (let i = 0; i < 1_000_000; i++) list.insert(`m${i}`, i);
  for (let i = 0; i < 900_000; i++) list.delete(`m${i}`);
  // The skip list this replaced once overflowed the stack here, spreading its free list.
  const copy = list.clone();
  assert.equal(copy.length, 100_000);
  copy.insert("new", -1);
  assert.equal(copy.rank("new"), 0);
  assert.equal(list.rank("new"), -1);
});

Deno.test("a tree of ~40,000 members stays ordered through moves and deletes", () => {
  // ~40,000 members fill some 900 leaves under two levels of inner nodes; moves, deletes and
  // re-inserts split and merge leaves all over it, and ranks, walks and counts must still agree.
  const rand = seededRandom(77);
  const z = new ZsetValue();
  const scores = new Map<string, number>();
  const score = () => Math.floor(rand() * 1e6) / 4;
  for (let i = 0; i < 40_000; i++) {
    const m = "k" + i;
    scores.set(m, score());
    z.add(m, scores.get(m)!, 0);
  }
  for (let op = 0; op < 60_000; op++) {
    const m = "k" + Math.floor(rand() * 50_000);
    if (rand() < 0.3) {
      assert.equal(z.delete(m), scores.delete(m));
    } else {
      const s = score();
      z.add(m, s, 0);
      scores.set(m, s);
    }
  }
  const sorted = [...scores].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  assert.deepEqual(walkAll(z, 0, sorted.length, false), sorted);
  assert.deepEqual(walkAll(z, sorted.length - 1, sorted.length, true), sorted.reverse());
  sorted.reverse();
  for (let r = 0; r < sorted.length; r += 997) {
    assert.equal(z.rank(sorted[r][0]), r);
    assert.deepEqual(walkAll(z, r, 3, false), sorted.slice(r, r + 3));
    assert.equal(
      z.countScoreBelow(sorted[r][1], false),
      sorted.findIndex((e) => e[1] === sorted[r][1]),
    );
  }
});

Deno.test("a deep sorted set emptied in random order and by rank ranges stays right", () => {
  // ~20,000 members make a tree three levels deep; emptying it removes leaves and inner nodes
  // up to the root, and range deletes cross many leaves at once. Members added in score order
  // leave full nodes behind them (the split of the last leaf keeps it full).
  const rand = seededRandom(31);
  for (const [byRange, inOrder] of [[false, false], [true, false], [false, true]]) {
    const z = new ZsetValue();
    const scores = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const s = inOrder ? i / 4 : Math.floor(rand() * 5000);
      scores.set("k" + i, s);
      z.add("k" + i, s, 0);
    }
    const sorted = () => [...scores].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
    let round = 0;
    while (scores.size > 0) {
      const model = sorted();
      if (byRange) {
        const from = Math.floor(rand() * model.length);
        const to = Math.min(model.length, from + 1 + Math.floor(rand() * 3000));
        z.deleteRange(from, to);
        for (const [m] of model.slice(from, to)) scores.delete(m);
      } else {
        for (const [m] of model.filter(() => rand() < 0.3).slice(0, 4000)) {
          assert.ok(z.delete(m));
          scores.delete(m);
        }
        if (scores.size < 50) { for (const m of [...scores.keys()]) z.delete(m), scores.delete(m); }
      }
      const after = sorted();
      assert.equal(z.size, after.length, `round ${round}`);
      assert.deepEqual(walkAll(z, 0, after.length, false), after);
      for (let r = 0; r < after.length; r += 211) assert.equal(z.rank(after[r][0]), r);
      round++;
    }
    assert.equal(z.size, 0);
    assert.deepEqual(walkAll(z, 0, 10, false), []);
    z.add("again", 1, 0);
    assert.equal(z.rank("again"), 0);
    assert.deepEqual(walkAll(z, 0, 1, true), [["again", 1]]);
  }
});

/** The inner nodes of `t` (private: this test checks how the tree shrinks), level by level. */
function innerLevels(t: BTree): number[] {
  type Inner = { n: number; children: unknown[] };
  const { root, depth } = t as unknown as { root: Inner; depth: number };
  const levels: number[] = [];
  let level: Inner[] = depth > 0 ? [root] : [];
  for (let d = 0; d < depth; d++) {
    levels.push(level.length);
    level = d + 1 < depth ? level.flatMap((x) => x.children.slice(0, x.n) as Inner[]) : [];
  }
  return levels;
}

Deno.test("a B+tree thinned by deletions merges its inner nodes and grows shallower", () => {
  // 300,000 members: a root, two levels of inner nodes, ~7,000 leaves. Deleting all but 1,000
  // at random leaves a few dozen leaves; the inner nodes above them merge as they thin out
  // (before, each kept one or two leaves and the tree kept its depth).
  const rand = seededRandom(5);
  const t = new BTree();
  const members: string[] = [];
  for (let i = 0; i < 300_000; i++) {
    members.push("m" + i);
    t.insert("m" + i, Math.floor(rand() * 1_000_000));
  }
  assert.equal(innerLevels(t).length, 3);
  for (let i = members.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [members[i], members[j]] = [members[j], members[i]];
  }
  for (const m of members.slice(1000)) assert.ok(t.delete(m));
  const levels = innerLevels(t);
  assert.ok(levels.length <= 2, `inner levels ${levels}`);
  assert.ok(levels.reduce((a, b) => a + b, 0) <= 3, `inner nodes per level ${levels}`);
  const kept = members.slice(0, 1000).map((m) => [m, t.score(m)!] as [string, number]);
  kept.sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1));
  for (let r = 0; r < kept.length; r += 37) assert.equal(t.rank(kept[r][0]), r);
  const walked: [string, number][] = [];
  t.walk(0, 1000, false, (m, s) => walked.push([m, s]));
  assert.deepEqual(walked, kept);
});
