// The expiry clock: one reading of the time for a batch of requests, the clock's outside one.
import assert from "node:assert/strict";
import * as clock from "../../src/store/clock.ts";

/** Waits (busily, at most a millisecond or two) until Date.now() passes `t`. */
function after(t: number): void {
  while (Date.now() <= t) { /* the next millisecond */ }
}

Deno.test("a batch's reads share the first, a lapse takes a new one, and outside a batch each is the clock's", () => {
  const before = Date.now();
  clock.hold();
  try {
    after(before);
    const first = clock.now();
    assert.ok(first > before, "the reading is taken at the first read, not before");
    after(first);
    assert.equal(clock.now(), first, "later reads in the batch share it");
    clock.lapse();
    const second = clock.now();
    assert.ok(second > first, "after a lapse, the next read takes the time anew");
    after(second);
    assert.equal(clock.now(), second);
  } finally {
    clock.release();
  }
  const outside = clock.now();
  after(outside);
  assert.ok(clock.now() > outside, "outside a batch, every read is the clock's");
});
