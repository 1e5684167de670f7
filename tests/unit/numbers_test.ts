// Redis's number rules on byte strings: string2ll's strict 64-bit integers, strtold's floats
// within a long double's range, and INCRBYFLOAT's long double sum and 17-decimal format.
import assert from "node:assert/strict";
import {
  addDecimal,
  addInt64,
  type Decimal,
  formatDecimal,
  INT64_MAX,
  INT64_MIN,
  parseDecimal,
  parseInt64,
  parseInt64Bytes,
} from "../../src/commands/numbers.ts";

/**
 * Both parsers on `s`: the string one, and the byte one on s set between digits in a buffer
 * (when s is a byte string).
 */
function bothParse(s: string): number | bigint | undefined {
  const v = parseInt64(s);
  if ([...s].some((ch) => ch.charCodeAt(0) > 0xff)) return v;
  const b = new Uint8Array(s.length + 4).fill(0x37); // '7' on each side: the bounds must hold
  for (let i = 0; i < s.length; i++) b[2 + i] = s.charCodeAt(i);
  assert.equal(parseInt64Bytes(b, 2, 2 + s.length), v, `bytes of ${JSON.stringify(s)}`);
  return v;
}

Deno.test("parseInt64 accepts exactly what Redis's string2ll accepts", () => {
  const good: [string, number | bigint][] = [
    ["0", 0],
    ["1", 1],
    ["-1", -1],
    ["42", 42],
    ["9007199254740991", 9007199254740991],
    ["9007199254740992", 9007199254740992n],
    ["-9007199254740993", -9007199254740993n],
    ["9223372036854775807", INT64_MAX],
    ["-9223372036854775808", INT64_MIN],
    ["123456789012345", 123456789012345],
  ];
  for (const [s, v] of good) assert.equal(bothParse(s), v, JSON.stringify(s));
  const bad = [
    "",
    "-",
    "+1",
    " 1",
    "1 ",
    "01",
    "-0",
    "00",
    "1.0",
    "1e3",
    "0x10",
    "abc",
    "1\0",
    "9223372036854775808",
    "-9223372036854775809",
    "99999999999999999999",
    "123456789012345678901",
    "\u0131", // its low byte is the digit 1, but it is no byte
  ];
  for (const s of bad) assert.equal(bothParse(s), undefined, JSON.stringify(s));
});

Deno.test("parseInt64 returns numbers only when they are exact", () => {
  for (let i = 0; i < 2000; i++) {
    const digits = 1 + (i % 18); // up to 18 digits: always within 64 bits
    let s = (i % 2 ? "-" : "") + String(1 + (i % 9));
    for (let d = 1; d < digits; d++) s += String((i * 7 + d * 3) % 10);
    const v = bothParse(s);
    assert.ok(v !== undefined, s);
    assert.equal(BigInt(v), BigInt(s), s);
    assert.equal(typeof v === "number", Number.isSafeInteger(Number(s)), s);
  }
});

Deno.test("addInt64 is exact across the safe-integer edge and refuses overflow", () => {
  assert.equal(addInt64(1, 2), 3);
  assert.equal(addInt64(9007199254740991, 1), 9007199254740992n);
  assert.equal(addInt64(9007199254740992n, -1), 9007199254740991);
  assert.equal(addInt64(INT64_MAX, -1), 9223372036854775806n);
  assert.equal(addInt64(INT64_MAX, 0), INT64_MAX);
  assert.equal(addInt64(INT64_MAX, 1), undefined);
  assert.equal(addInt64(INT64_MIN, -1), undefined);
  assert.equal(addInt64(INT64_MIN, INT64_MAX), -1);
  assert.equal(addInt64(INT64_MAX, INT64_MAX), undefined);
});

const dec = (s: string): Decimal => {
  const d = parseDecimal(s);
  assert.ok(typeof d === "object", `${s} parses`);
  return d;
};
/** The value of a decimal as a normalised string, for comparing two decimals. */
const show = (d: Decimal) => formatDecimal(d);

Deno.test("parseDecimal: decimal, exponent and hex notations, infinities", () => {
  const cases: [string, string][] = [
    ["1", "1"],
    ["-1.5", "-1.5"],
    ["+2.25", "2.25"],
    [".5", "0.5"],
    ["5.", "5"],
    ["1e3", "1000"],
    ["1E-3", "0.001"],
    ["2.5e+2", "250"],
    ["0x10", "16"],
    ["0X1p-2", "0.25"],
    ["-0x.8", "-0.5"],
    ["0x1.8p1", "3"],
    ["0e99999999999999999999", "0"],
    ["0x0p99999", "0"],
    ["000001", "1"],
  ];
  for (const [s, v] of cases) assert.equal(show(dec(s)), v, s);
  assert.equal(parseDecimal("inf"), "inf");
  assert.equal(parseDecimal("-Infinity"), "-inf");
  assert.equal(parseDecimal("+INF"), "inf");
  const bad = ["", " 1", "1 ", ".", "-", "e3", "1e", "1e+", "0x", "0x1g", "1,5", "1.5.5", "nan"];
  for (const s of [...bad, "infin", "1\0", "0x1p", "--1"]) {
    assert.equal(parseDecimal(s), undefined, JSON.stringify(s));
  }
});

Deno.test("parseDecimal refuses what overflows or underflows a long double", () => {
  // LDBL_MAX ≈ 1.18973149535723176502e4932; from half an ulp above, strtold says ERANGE.
  assert.ok(typeof parseDecimal("1e4932") === "object");
  assert.ok(typeof parseDecimal("1.18973149535723176502e4932") === "object");
  assert.equal(parseDecimal("1.1897314953572317651e4932"), undefined);
  assert.equal(parseDecimal("1e4933"), undefined);
  assert.equal(parseDecimal("-1e5000"), undefined);
  assert.equal(parseDecimal("1e99999999999999999999"), undefined);
  assert.equal(parseDecimal("0x1p16384"), undefined);
  assert.ok(typeof parseDecimal("0x1.fffffffffffffffep16383") === "object");
  // The smallest subnormal is 2^-16445 ≈ 3.6e-4951; up to half of it rounds to zero.
  assert.ok(typeof parseDecimal("2e-4951") === "object");
  assert.equal(parseDecimal("1e-4951"), undefined);
  assert.ok(typeof parseDecimal("0x1p-16445") === "object");
  assert.equal(parseDecimal("0x1p-16446"), undefined);
  assert.equal(parseDecimal("1e-5000"), undefined);
  // Redis refuses float strings of MAX_LONG_DOUBLE_CHARS (5120) bytes or more.
  assert.ok(typeof parseDecimal("0".repeat(5118) + "1") === "object");
  assert.equal(parseDecimal("0".repeat(5119) + "1"), undefined);
});

Deno.test("addDecimal rounds as long doubles do and refuses a sum that overflows one", () => {
  // What Redis 7.0.15 (x86-64) prints for INCRBYFLOAT of the second at a key holding the first.
  const sums: [string, string, string][] = [
    ["1.1", "2.2", "3.3"],
    ["10.50", "0.1", "10.6"],
    ["0.1", "0.2", "0.3"],
    ["5000", "0.02", "5000.02000000000000002"],
    ["1e20", "1e-20", "100000000000000000000"],
    ["1.1e4932", "-1.1e4932", "0"],
    // Past 2^52 the long double's 64-bit significand shows in the 17 decimals printed.
    ["1000000000000000", "0.1", "1000000000000000.0999755859375"],
    ["12345678901234567", "0.3", "12345678901234567.2998046875"],
    ["12345678901234567.2998046875", "1e20", "100012345678901234568"],
    ["-9223372036854775807", "-1.25", "-9223372036854775808"],
    ["9223372036854775806", "1.5", "9223372036854775807.5"],
    ["388565441287187513", "251667892.0625", "388565441538855405.0625"],
    ["5000", "0.00001", "5000.00001000000000007"],
  ];
  for (const [a, b, sum] of sums) {
    assert.equal(formatDecimal(addDecimal(dec(a), dec(b))!), sum, `${a} + ${b}`);
  }
  assert.equal(addDecimal(dec("1.1e4932"), dec("1.1e4932")), undefined);
  assert.equal(addDecimal(dec("-1.1e4932"), dec("-1.1e4932")), undefined);
});

Deno.test("formatDecimal: fixed notation, 17 decimals rounded to nearest, ties to even", () => {
  const cases: [string, string][] = [
    ["0", "0"],
    ["-0", "0"],
    ["-0.0", "0"],
    ["1.50", "1.5"],
    ["100", "100"],
    ["1e3", "1000"],
    ["0.00000000000000001", "0.00000000000000001"],
    // As long doubles, 5e-18 is a little below: printed as Redis does, 0.
    ["0.000000000000000005", "0"],
    ["0.0000000000000000049", "0"],
    ["-0.000000000000000005", "0"],
    ["-0.000000000000000004", "0"], // rounds to -0, printed as 0
    ["0.000000000000000015", "0.00000000000000002"],
    ["0.000000000000000025", "0.00000000000000002"],
    // 2^-18 and 3 × 2^-18, exact ties at the 18th decimal.
    ["0.000003814697265625", "0.00000381469726562"],
    ["0.000011444091796875", "0.00001144409179688"],
    ["0.123456789012345678", "0.12345678901234568"],
    ["0.999999999999999999", "1"],
    ["-9.999999999999999999", "-10"],
    ["12345678901234567890.5", "12345678901234567890"],
  ];
  for (const [s, v] of cases) assert.equal(formatDecimal(dec(s)), v, s);
  // Exact decimals (no long double between): a tie goes to the even digit.
  const ties: [Decimal, string][] = [
    [{ mant: 5n, exp: -18 }, "0"],
    [{ mant: 15n, exp: -18 }, "0.00000000000000002"],
    [{ mant: 25n, exp: -18 }, "0.00000000000000002"],
    [{ mant: -35n, exp: -18 }, "-0.00000000000000004"],
    [{ mant: 51n, exp: -19 }, "0.00000000000000001"],
  ];
  for (const [d, v] of ties) assert.equal(formatDecimal(d), v, `${d.mant}e${d.exp}`);
});
