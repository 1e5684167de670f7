// Byte strings: every length, through each way of building them (fromCharCode of exactly n
// arguments below 33 bytes, the native codec from 33), and byte copies either side of the loop's
// limit.
import assert from "node:assert/strict";
import { ByteBuffer, copyBytes, decimalLength, writeDecimal } from "../../src/protocol/latin1.ts";

/** Bytes 0..255 in a scrambled order, so that every value appears at every position. */
function pattern(n: number, seed: number): Uint8Array {
  return Uint8Array.from({ length: n }, (_, i) => (i * 167 + seed * 31) & 255);
}

Deno.test("latin1 reads any byte range of every length as one char per byte", () => {
  const mem = new ByteBuffer(256);
  for (let n = 0; n <= 80; n++) {
    for (const offset of [0, 3]) {
      const bytes = pattern(n, n + offset);
      mem.bytes.set(bytes, offset);
      const s = mem.latin1(offset, offset + n);
      assert.equal(s.length, n);
      for (let i = 0; i < n; i++) assert.equal(s.charCodeAt(i), bytes[i], `length ${n} at ${i}`);
      // And back: writing the string gives the same bytes.
      const out = new ByteBuffer(256);
      assert.equal(out.writeLatin1(s, 1), n);
      assert.deepEqual(out.bytes.subarray(1, 1 + n), bytes);
    }
  }
});

Deno.test("copyBytes copies exactly the range, short or long", () => {
  for (const n of [0, 1, 16, 63, 64, 65, 200]) {
    const src = pattern(n + 10, n);
    const dst = new Uint8Array(n + 20).fill(0xee);
    copyBytes(src, 5, 5 + n, dst, 7);
    assert.deepEqual(dst.subarray(7, 7 + n), src.subarray(5, 5 + n));
    assert.ok(dst.subarray(0, 7).every((b) => b === 0xee), `before, length ${n}`);
    assert.ok(dst.subarray(7 + n).every((b) => b === 0xee), `after, length ${n}`);
  }
});

Deno.test("writeDecimal writes a safe integer's decimal form, decimalLength counts it", () => {
  const b = new Uint8Array(40).fill(0x7a);
  for (
    const n of [0, 7, -7, 9, 10, -10, 99, 100, 12345, -99999, 2 ** 31, -(2 ** 31) - 1, 2 ** 53 - 1]
      .concat([-(2 ** 53) + 1, 1e15, 999999999999999])
  ) {
    const end = writeDecimal(b, 3, n);
    assert.equal(String.fromCharCode(...b.subarray(3, end)), String(n));
    assert.equal(decimalLength(n), String(n).length, String(n));
    assert.equal(b[2], 0x7a, "nothing written before");
  }
});
