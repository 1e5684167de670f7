// ReplyWriter on its own: the exact RESP2 bytes of every reply type, integer formatting, error
// sanitising and counting, and buffer growth and release.
import assert from "node:assert/strict";
import { ReplyWriter } from "../../src/protocol/encoder.ts";
import { bytesToLatin1, parseReply } from "../helpers/raw.ts";

/** The bytes `write` appends to a fresh writer, as a byte string. */
function wire(write: (w: ReplyWriter) => void): string {
  const w = new ReplyWriter();
  write(w);
  assert.equal(w.take().length, w.length);
  return bytesToLatin1(w.take());
}

Deno.test("each reply type has its exact RESP2 bytes", () => {
  assert.equal(wire((w) => w.ok()), "+OK\r\n");
  assert.equal(wire((w) => w.simple("PONG")), "+PONG\r\n");
  assert.equal(wire((w) => w.simple("")), "+\r\n");
  assert.equal(wire((w) => w.error("ERR syntax error")), "-ERR syntax error\r\n");
  assert.equal(wire((w) => w.bulk("bar")), "$3\r\nbar\r\n");
  assert.equal(wire((w) => w.bulk("")), "$0\r\n\r\n");
  assert.equal(wire((w) => w.bulkOrNil("x")), "$1\r\nx\r\n");
  assert.equal(wire((w) => w.bulkOrNil(undefined)), "$-1\r\n");
  assert.equal(wire((w) => w.nil()), "$-1\r\n");
  assert.equal(wire((w) => w.nilArray()), "*-1\r\n");
  assert.equal(wire((w) => w.array(0)), "*0\r\n");
  assert.equal(wire((w) => w.array(3)), "*3\r\n");
  assert.equal(wire((w) => w.bulks([])), "*0\r\n");
  assert.equal(wire((w) => w.bulks(["a", "", "bc"])), "*3\r\n$1\r\na\r\n$0\r\n\r\n$2\r\nbc\r\n");
  assert.equal(wire((w) => w.int(0)), ":0\r\n");
});

Deno.test("bulk strings are binary-safe byte strings", () => {
  const every = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  for (const v of ["a\r\nb", "\0", "\r\n", every, every.repeat(3)]) {
    assert.equal(wire((w) => w.bulk(v)), `$${v.length}\r\n${v}\r\n`);
  }
});

Deno.test("bulkBytes writes a byte range of any length as a bulk string", () => {
  const src = Uint8Array.from({ length: 300 }, (_, i) => i & 0xff);
  for (const [s, e] of [[0, 0], [5, 6], [10, 74], [10, 75], [0, 300]]) {
    const expected = bytesToLatin1(src.subarray(s, e));
    assert.equal(wire((w) => w.bulkBytes(src, s, e)), `$${e - s}\r\n${expected}\r\n`);
  }
});

Deno.test("integers: negative, zero, every digit count, unsafe numbers and bigints", () => {
  const cases: [number | bigint, string][] = [
    [0, "0"],
    [-0, "0"],
    [7, "7"],
    [-7, "-7"],
    [10, "10"],
    [-10, "-10"],
    [1234567890, "1234567890"],
    [Number.MAX_SAFE_INTEGER, "9007199254740991"],
    [Number.MIN_SAFE_INTEGER, "-9007199254740991"],
    [2 ** 53, "9007199254740992"],
    [9223372036854775807n, "9223372036854775807"],
    [-9223372036854775808n, "-9223372036854775808"],
    [0n, "0"],
    [10n ** 60n, "1" + "0".repeat(60)],
  ];
  for (const [n, text] of cases) {
    assert.equal(wire((w) => w.int(n)), `:${text}\r\n`, String(n));
  }
  for (let digits = 1; digits <= 16; digits++) {
    const n = Number("9".repeat(digits));
    assert.equal(wire((w) => w.int(n)), `:${n}\r\n`);
    assert.equal(wire((w) => w.int(-n)), `:-${n}\r\n`);
  }
});

Deno.test("a bigint longer than the writer's reserve is written whole at a buffer's end", () => {
  const w = new ReplyWriter();
  // Leaves room for the 48 bytes int() reserves, not for 170 digits.
  const fill = "x".repeat(w.mem.bytes.length - 60);
  w.simple(fill);
  const big = -(7n ** 200n);
  w.int(big);
  w.ok();
  const bytes = w.take();
  const first = parseReply(bytes, 0)!;
  assert.equal(first[0], fill);
  const second = parseReply(bytes, first[1])!;
  assert.equal(second[0], big);
  assert.deepEqual(parseReply(bytes, second[1]), ["OK", bytes.length]);
});

Deno.test("errors have CR and LF replaced by spaces and are counted", () => {
  const counter = { errorReplies: 0 };
  const w = new ReplyWriter(counter);
  w.error("ERR bad\r\nthing\nhere\r");
  w.ok();
  w.error("WRONGTYPE Operation against a key holding the wrong kind of value");
  assert.equal(
    bytesToLatin1(w.take()),
    "-ERR bad  thing here \r\n+OK\r\n" +
      "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n",
  );
  assert.equal(counter.errorReplies, 2);
});

Deno.test("replies append in order, the buffer grows for large ones and reset() shrinks it", () => {
  const w = new ReplyWriter();
  const initial = w.mem.bytes.length;
  const big = "v".repeat(3 * initial + 5);
  w.array(2);
  w.bulk(big);
  w.int(-42);
  for (let i = 0; i < 1000; i++) w.bulk(`item:${i}`);
  assert.ok(w.mem.bytes.length > initial);
  const bytes = w.take();
  const [array, next] = parseReply(bytes, 0)!;
  assert.deepEqual(array, [big, -42]);
  let pos = next;
  for (let i = 0; i < 1000; i++) {
    const [item, after] = parseReply(bytes, pos)!;
    assert.equal(item, `item:${i}`);
    pos = after;
  }
  assert.equal(pos, bytes.length);
  // A huge reply's memory is given back once it was sent.
  w.bulk("z".repeat(20 * initial));
  w.reset();
  assert.equal(w.length, 0);
  assert.equal(w.mem.bytes.length, initial);
  w.ok();
  assert.equal(bytesToLatin1(w.take()), "+OK\r\n");
});

Deno.test("many small replies grow the buffer without losing a byte", () => {
  const w = new ReplyWriter();
  let expected = "";
  for (let i = 0; i < 5000; i++) {
    w.int(i * 1_000_003);
    w.simple(`s${i}`);
    w.nil();
    expected += `:${i * 1_000_003}\r\n+s${i}\r\n$-1\r\n`;
  }
  assert.equal(bytesToLatin1(w.take()), expected);
});

Deno.test("detach copies a short batch and lends a long one, leaving the writer empty and small", () => {
  const w = new ReplyWriter();
  w.ok();
  const small = w.detach();
  assert.equal(bytesToLatin1(small), "+OK\r\n");
  assert.equal(w.isLent(small), false);
  assert.equal(w.length, 0);
  // A batch that made the buffer grow past 64 KiB is lent, and the writer starts small again.
  w.bulk("x".repeat(40 * 1024));
  w.bulk("y".repeat(20 * 1024));
  assert.ok(w.mem.bytes.length > 64 * 1024);
  const mid = w.detach();
  assert.equal(mid.length, 40 * 1024 + 20 * 1024 + 2 * "$40960\r\n\r\n".length);
  assert.ok(w.isLent(mid));
  assert.equal(w.mem.bytes.length, 4 * 1024);
  // Lent memory is the writer's no more: later replies cannot overwrite bytes the socket holds.
  w.bulk("z".repeat(100 * 1024));
  const big = w.detach();
  const before = bytesToLatin1(big.subarray(0, 12));
  w.bulk("q".repeat(1000));
  assert.equal(bytesToLatin1(big.subarray(0, 12)), before);
  assert.equal(before, "$102400\r\nzzz");
});

Deno.test("memory given back once sent is written into again, one spare at most", () => {
  const w = new ReplyWriter();
  const long = (c: string) => w.bulk(c.repeat(2000));
  long("a");
  const first = w.detach();
  assert.ok(w.isLent(first));
  // Not yet given back: the next long batch goes to other memory.
  long("b");
  const second = w.detach();
  assert.notEqual(second.buffer, first.buffer);
  assert.equal(bytesToLatin1(first.subarray(0, 9)), "$2000\r\naa", "first left alone");
  // Given back: the writer continues in it after the next lend.
  w.recycle(first);
  assert.equal(w.isLent(first), false);
  w.recycle(second); // a second spare is not kept
  long("c");
  const third = w.detach();
  assert.equal(w.mem.bytes.buffer, first.buffer);
  assert.notEqual(third.buffer, second.buffer);
  // Giving back what was not lent, or twice, changes nothing.
  w.recycle(w.detach());
  w.recycle(first);
  long("d");
  assert.equal(bytesToLatin1(w.take().subarray(0, 9)), "$2000\r\ndd");
  assert.equal(bytesToLatin1(third.subarray(0, 9)), "$2000\r\ncc");
});

Deno.test("memory that grew past 64 KiB is not kept when given back", () => {
  const w = new ReplyWriter();
  w.bulk("x".repeat(100 * 1024));
  const big = w.detach();
  w.recycle(big);
  w.bulk("y".repeat(2000));
  w.detach();
  assert.notEqual(w.mem.bytes.buffer, big.buffer);
  assert.equal(w.mem.bytes.length, 4 * 1024);
});
