// The list store: a Deque of byte strings checked against a plain array doing the same thing.
import assert from "node:assert/strict";
import { Deque, NODE_BYTES, NODE_SLOTS } from "../../src/store/deque.ts";
import type { QuickList } from "../../src/store/quicklist.ts";
import { ListValue } from "../../src/store/list.ts";
import { seededRandom } from "../helpers/random.ts";

/** Either store: a single packed deque, or a list of them. */
type Store = Deque | QuickList;

function contents(d: Store): string[] {
  const out: string[] = [];
  for (let i = 0; i < d.length; i++) out.push(d.at(i));
  return out;
}

function bytesOf(s: string): Uint8Array {
  return Uint8Array.from(s, (c) => c.charCodeAt(0));
}

Deno.test("deque: pushes and pops at both ends", () => {
  const d = new Deque();
  assert.equal(d.popFront(), undefined);
  assert.equal(d.popBack(), undefined);
  d.pushBack("b");
  d.pushFront("a");
  d.pushBack("c");
  assert.deepEqual(contents(d), ["a", "b", "c"]);
  assert.equal(d.length, 3);
  assert.equal(d.popFront(), "a");
  assert.equal(d.popBack(), "c");
  assert.equal(d.popBack(), "b");
  assert.equal(d.length, 0);
  assert.equal(d.popBack(), undefined);
});

Deno.test("deque: binary bytes and empty elements round-trip", () => {
  const d = new Deque();
  const all = Array.from({ length: 256 }, (_, i) => String.fromCharCode(i)).join("");
  d.pushBack(all);
  d.pushFront("");
  d.pushBackBytes(bytesOf("x\r\n\0y"), 0, 5);
  d.pushFrontBytes(bytesOf("--ab--"), 2, 4);
  assert.deepEqual(contents(d), ["ab", "", all, "x\r\n\0y"]);
  assert.ok(d.equals(2, all));
  assert.ok(!d.equals(2, all.slice(1)));
  assert.equal(d.sizeAt(2), 256);
  assert.equal(d.bytes, 256 + 2 + 5);
});

Deno.test("list: long elements and growth far past the initial room", () => {
  const d = new ListValue();
  const big = "z".repeat(100_000);
  for (let i = 0; i < 50; i++) {
    d.pushFront(`f${i}`);
    d.pushBack(big + i);
  }
  assert.equal(d.length, 100);
  assert.equal(d.at(0), "f49");
  assert.equal(d.at(99), big + 49);
  for (let i = 0; i < 50; i++) assert.equal(d.popBack(), big + (49 - i));
  assert.equal(d.popFront(), "f49");
});

Deno.test("deque: set, insert, trim and removeEqual in the middle", () => {
  const d = new Deque();
  for (const s of ["a", "b", "c", "b", "d", "b"]) d.pushBack(s);
  d.set(0, "AAAA");
  d.set(5, "");
  d.set(2, "cc");
  assert.deepEqual(contents(d), ["AAAA", "b", "cc", "b", "d", ""]);
  d.insert(1, "x");
  d.insert(6, "y");
  d.insert(0, "first");
  d.insert(d.length, "last");
  assert.deepEqual(contents(d), ["first", "AAAA", "x", "b", "cc", "b", "d", "y", "", "last"]);
  assert.equal(d.removeEqual("b", 1, true), 1);
  assert.deepEqual(contents(d), ["first", "AAAA", "x", "b", "cc", "d", "y", "", "last"]);
  assert.equal(d.removeEqual("nope", 0, false), 0);
  assert.equal(d.removeEqual("", 0, false), 1);
  d.trim(1, 4);
  assert.deepEqual(contents(d), ["AAAA", "x", "b"]);
  d.trim(0, 0);
  assert.equal(d.length, 0);
  d.pushBack("again");
  assert.deepEqual(contents(d), ["again"]);
});

Deno.test("deque: clone is deep, and ListValue is a list collection", () => {
  const l = new ListValue();
  l.pushBack("a");
  l.pushBack("b");
  const c = l.clone();
  assert.ok(c instanceof ListValue);
  c.pushBack("c");
  c.set(0, "A");
  assert.deepEqual(contents(l), ["a", "b"]);
  assert.deepEqual(contents(c), ["A", "b", "c"]);
  assert.equal(l.type, "list");
  assert.equal(l.size, 2);
  assert.equal(l.encoding(), "quicklist");
  assert.deepEqual([...c], ["A", "b", "c"]);
});

/** How a model run picks element sizes and burst lengths. */
interface Shape {
  /** The length of a long element, given a random number in [0, 1). */
  long: (r: number) => number;
  /** The most elements one burst pushes or pops. */
  burst: number;
  steps: number;
}

/** Random operations on `d`, checked against a plain array doing the same thing. */
function agreesWithModel(seed: number, d: Store, shape: Shape, check: (d: Store) => void): void {
  {
    const rand = seededRandom(seed);
    const model: string[] = [];
    const word = () => {
      const r = rand();
      // Mostly short words from a small alphabet (so removeEqual finds matches), some long.
      const n = r < 0.05 ? shape.long(rand()) : Math.floor(rand() * 6);
      let s = "";
      for (let i = 0; i < n; i++) {
        s += String.fromCharCode(r < 0.5 ? 97 + Math.floor(rand() * 3) : Math.floor(rand() * 256));
      }
      return s;
    };
    for (let step = 0; step < shape.steps; step++) {
      const op = Math.floor(rand() * 12);
      const i = model.length === 0 ? 0 : Math.floor(rand() * model.length);
      const ctx = `seed ${seed} step ${step} op ${op}`;
      switch (op) {
        case 0:
        case 1: {
          const s = word();
          d.pushBack(s);
          model.push(s);
          break;
        }
        case 2:
        case 3: {
          const s = word();
          d.pushFrontBytes(bytesOf("<" + s + ">"), 1, s.length + 1);
          model.unshift(s);
          break;
        }
        case 4:
          assert.equal(d.popFront(), model.shift(), ctx);
          break;
        case 5:
          assert.equal(d.popBack(), model.pop(), ctx);
          break;
        case 6:
          if (model.length > 0) {
            const s = word();
            d.set(i, s);
            model[i] = s;
          }
          break;
        case 7: {
          const at = Math.floor(rand() * (model.length + 1));
          const s = word();
          d.insert(at, s);
          model.splice(at, 0, s);
          break;
        }
        case 8: {
          // Mostly small trims off the ends, so the list does not just collapse.
          const start = Math.min(model.length, Math.floor(rand() * 3));
          const end = Math.max(start, model.length - Math.floor(rand() * 3));
          d.trim(start, end);
          model.splice(end);
          model.splice(0, start);
          break;
        }
        case 9: {
          const target = model.length > 0 && rand() < 0.7 ? model[i] : word();
          const limit = Math.floor(rand() * 3);
          const fromBack = rand() < 0.5;
          let removed = 0;
          if (fromBack) {
            for (let j = model.length - 1; j >= 0 && (limit === 0 || removed < limit); j--) {
              if (model[j] === target) {
                model.splice(j, 1);
                removed++;
              }
            }
          } else {
            for (let j = 0; j < model.length && (limit === 0 || removed < limit);) {
              if (model[j] === target) {
                model.splice(j, 1);
                removed++;
              } else j++;
            }
          }
          assert.equal(d.removeEqual(target, limit, fromBack), removed, ctx);
          break;
        }
        case 10:
          if (model.length > 0) {
            assert.equal(d.at(i), model[i], ctx);
            assert.ok(d.equals(i, model[i]), ctx);
            assert.equal(d.sizeAt(i), model[i].length, ctx);
          }
          break;
        case 11: {
          // Bursts at one end make the store grow, recentre and shrink.
          const n = Math.floor(rand() * shape.burst);
          const back = rand() < 0.5;
          const push = rand() < 0.5;
          for (let k = 0; k < n; k++) {
            if (push) {
              const s = String(k);
              if (back) d.pushBack(s), model.push(s);
              else d.pushFront(s), model.unshift(s);
            } else {
              assert.equal(
                back ? d.popBack() : d.popFront(),
                back ? model.pop() : model.shift(),
                ctx,
              );
            }
          }
          break;
        }
      }
      assert.equal(d.length, model.length, ctx);
      if (step % 500 === 0) {
        assert.deepEqual(contents(d), model, ctx);
        check(d);
      }
    }
    assert.deepEqual(contents(d), model);
    assert.deepEqual(contents(d.clone()), model);
    assert.equal(d.bytes, model.reduce((n, s) => n + s.length, 0));
  }
}

Deno.test("deque: thousands of random operations agree with an array model", () => {
  const shape = { long: (r: number) => Math.floor(r * 3000), burst: 200, steps: 6000 };
  for (const seed of [1, 2, 3, 42]) agreesWithModel(seed, new Deque(), shape, () => {});
});

/** The nodes of a quicklist (private: this test checks the rules they keep). */
function nodesOf(q: QuickList): Deque[] {
  return (q as unknown as { nodes: Deque[] }).nodes;
}

/** Fails unless every node of `d` keeps the rules in quicklist.ts. */
function checkNodes(d: Store): void {
  const nodes = nodesOf(d as QuickList);
  assert.ok(nodes.length >= 1);
  let count = 0;
  for (const node of nodes) {
    count += node.length;
    if (nodes.length > 1) assert.ok(node.length > 0, "an empty node in a list of several");
    if (node.length > 1) {
      assert.ok(
        node.bytes <= NODE_BYTES,
        `a node of ${node.length} elements holds ${node.bytes} B`,
      );
      assert.ok(node.length < NODE_SLOTS, `a node holds ${node.length} elements`);
    }
  }
  assert.equal(count, d.length);
}

Deno.test("quicklist: random operations over many nodes agree with an array model", () => {
  // Long elements up to 3000 bytes, some past a node (8 KB) and past 64 KB (4-byte bounds);
  // bursts of thousands of elements make lists of many nodes.
  const long = (r: number) =>
    r < 0.02 ? 70_000 + Math.floor(r * 1000) : r < 0.1 ? 9000 : Math.floor(r * 3000);
  const shape = { long, burst: 3000, steps: 3000 };
  for (const seed of [1, 2, 3, 42]) agreesWithModel(seed, new ListValue(), shape, checkNodes);
});

Deno.test("quicklist: a long list keeps full nodes, and LREM merges what it thins", () => {
  const q = new ListValue();
  const n = 100_000;
  for (let i = 0; i < n; i++) {
    const s = String(i).padStart(16, "0");
    if (i % 2 === 0) q.pushBack(s);
    else q.pushFront(s);
  }
  checkNodes(q);
  // 16-byte elements: 512 to a node of 8 KB, but for the two end nodes.
  assert.ok(q.nodeCount <= Math.ceil(n / 512) + 2, `${q.nodeCount} nodes`);
  // A node that filled up kept no free room: its buffers hold its elements exactly.
  const nodes = nodesOf(q);
  for (const node of nodes.slice(1, -1)) {
    const { data, bounds } = node as unknown as {
      data: { bytes: Uint8Array };
      bounds: Uint16Array;
    };
    assert.equal(data.bytes.length, node.bytes);
    assert.equal(bounds.length, node.length + 1);
  }
  assert.equal(q.at(0), String(n - 1).padStart(16, "0"));
  assert.equal(q.at(n - 1), String(n - 2).padStart(16, "0"));
  assert.equal(q.at(n / 2), String(0).padStart(16, "0"));
  // Every other element goes (the front half holds the odd numbers, highest first): the
  // nodes, half full, merge in pairs.
  for (let i = 0; i < n; i += 2) q.set(i, "x");
  assert.equal(q.removeEqual("x", 0, false), n / 2);
  checkNodes(q);
  assert.ok(q.nodeCount <= Math.ceil(n / 2 / 512) + 2, `${q.nodeCount} nodes after LREM`);
  assert.deepEqual(
    [...q].slice(0, 3),
    [n - 3, n - 7, n - 11].map((i) => String(i).padStart(16, "0")),
  );
  // Trimming to a range inside one node, then popping it empty.
  q.trim(1000, 1010);
  checkNodes(q);
  assert.equal(q.length, 10);
  for (let i = 0; i < 10; i++) assert.notEqual(q.popBack(), undefined);
  assert.equal(q.popFront(), undefined);
  assert.equal(q.nodeCount, 1);
});
