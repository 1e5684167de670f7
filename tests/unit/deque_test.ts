// The list store: a Deque of byte strings checked against a plain array doing the same thing.
import assert from "node:assert/strict";
import { Deque } from "../../src/store/deque.ts";
import { ListValue } from "../../src/store/list.ts";
import { seededRandom } from "../helpers/random.ts";

function contents(d: Deque): string[] {
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

Deno.test("deque: long elements and growth far past the initial room", () => {
  const d = new Deque();
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

Deno.test("deque: thousands of random operations agree with an array model", () => {
  for (const seed of [1, 2, 3, 42]) {
    const rand = seededRandom(seed);
    const d = new Deque();
    const model: string[] = [];
    const word = () => {
      const r = rand();
      // Mostly short words from a small alphabet (so removeEqual finds matches), some long.
      const n = r < 0.05 ? Math.floor(rand() * 3000) : Math.floor(rand() * 6);
      let s = "";
      for (let i = 0; i < n; i++) {
        s += String.fromCharCode(r < 0.5 ? 97 + Math.floor(rand() * 3) : Math.floor(rand() * 256));
      }
      return s;
    };
    for (let step = 0; step < 6000; step++) {
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
          const n = Math.floor(rand() * 200);
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
      if (step % 500 === 0) assert.deepEqual(contents(d), model, ctx);
    }
    assert.deepEqual(contents(d), model);
    assert.deepEqual(contents(d.clone()), model);
    assert.equal(d.bytes, model.reduce((n, s) => n + s.length, 0));
  }
});
