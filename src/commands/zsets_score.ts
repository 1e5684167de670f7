// Sorted set scores as text, the way Redis 7.0 reads and writes them: C's strtod (decimal, hex,
// inf, infinity) for input, and printf's "%.17g" for output (so 0.1 prints as
// 0.10000000000000001 and 1e20 as 1e+20; 7.2's shortest round-trip form came later).

import type { Context } from "./context.ts";

/** Redis's reply when an increment makes a score NaN (inf + -inf). */
export const NAN_SCORE = "ERR resulting score is not a number (NaN)";

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITE = /^[+-]?inf(?:inity)?$/i;
/** What C's isspace skips before a number. */
const SPACE = /^[ \t\n\v\f\r]+/;

/** strtod on the whole of `s`: the value, NaN when it is no number, and whether it overflowed. */
function strtod(s: string): { value: number; range: boolean } {
  if (DECIMAL.test(s)) {
    const value = Number(s);
    // ERANGE: past the largest double, or a non-zero number that rounds to zero.
    const range = !Number.isFinite(value) || (value === 0 && /[1-9]/.test(s.split(/[eE]/)[0]));
    return { value, range };
  }
  if (INFINITE.test(s)) return { value: s[0] === "-" ? -Infinity : Infinity, range: false };
  const m = HEX.exec(s);
  if (m === null || (m[2] === "" && (m[3] ?? "") === "")) return { value: NaN, range: false };
  const frac = m[3] ?? "";
  const mant = Number(BigInt("0x" + m[2] + frac)); // rounds to nearest, as strtod
  const exp = Number(m[4] ?? "0") - 4 * frac.length;
  // In two halves, so that neither power overflows or underflows on its own.
  const half = Math.trunc(exp / 2);
  let value = mant === 0 ? 0 : mant * 2 ** half * 2 ** (exp - half);
  if (m[1] === "-") value = -value;
  return { value, range: !Number.isFinite(value) || (value === 0 && mant !== 0) };
}

/**
 * A score argument as Redis's getDoubleFromObject reads it: all of it a number, no leading
 * space, not NaN, no overflow or underflow to zero. Undefined when it is not a valid float.
 */
function parseScore(s: string): number | undefined {
  if (s.length === 0) return undefined;
  const { value, range } = strtod(s);
  return Number.isNaN(value) || range ? undefined : value;
}

/** Whole numbers of up to this many digits are exact doubles, read straight from the bytes. */
const EXACT_DIGITS = 15;

/**
 * Argument i as a score (see parseScore). Whole numbers, the common case (redis-benchmark's
 * ZADD sends 12 digits), are read from the request's bytes; the rest go through strtod.
 */
export function argScore(cx: Context, i: number): number | undefined {
  const b = cx.mem.bytes;
  const e = cx.ends[i];
  let j = cx.starts[i];
  const negative = b[j] === 45;
  if (negative) j++;
  if (j < e && e - j <= EXACT_DIGITS) {
    let v = 0;
    for (; j < e; j++) {
      const d = b[j] - 48;
      if (d < 0 || d > 9) return parseScore(cx.arg(i));
      v = v * 10 + d;
    }
    return negative ? -v : v;
  }
  return parseScore(cx.arg(i));
}

/**
 * A score range end after any "(" as Redis's zslParseRange reads it with bare strtod: leading
 * spaces skipped, the empty string is 0, overflow gives infinities, a NUL ends the number.
 */
export function parseRangeScore(s: string): number | undefined {
  const nul = s.indexOf("\0");
  if (nul !== -1) s = s.slice(0, nul);
  if (s.length === 0) return 0;
  const trimmed = s.replace(SPACE, "");
  if (trimmed.length === 0) return undefined; // no conversion: strtod points at the spaces
  const { value } = strtod(trimmed);
  return Number.isNaN(value) ? undefined : value;
}

const bits = new DataView(new ArrayBuffer(8));

/** True when |d| is exactly the decimal `digits` × 10^exp (d finite, not 0). */
function exactly(d: number, digits: string, exp: number): boolean {
  bits.setFloat64(0, Math.abs(d));
  const hi = bits.getUint32(0);
  const lo = bits.getUint32(4);
  const biased = hi >>> 20;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(lo);
  let e2 = biased - 1075;
  if (biased === 0) e2 = -1074;
  else mant |= 1n << 52n;
  // mant × 2^e2 == digits × 10^exp, both sides scaled to integers.
  let left = mant;
  let right = BigInt(digits);
  if (e2 >= 0) left <<= BigInt(e2);
  else right <<= BigInt(-e2);
  if (exp >= 0) right *= 10n ** BigInt(exp);
  else left *= 10n ** BigInt(-exp);
  return left === right;
}

/** A score as Redis 7.0 prints it: "inf", "-inf", or C's "%.17g". */
export function formatScore(d: number): string {
  if (Number.isSafeInteger(d)) return d === 0 && 1 / d < 0 ? "-0" : String(d);
  if (d === Infinity) return "inf";
  if (d === -Infinity) return "-inf";
  if (Number.isNaN(d)) return "nan";
  const s = d.toExponential(16);
  const neg = s[0] === "-";
  const ePos = s.indexOf("e");
  let digits = s.slice(neg ? 1 : 0, ePos).replace(".", "");
  const exp = Number(s.slice(ePos + 1));
  // JavaScript rounds a tie away from zero, C rounds it to even: the 17 digits are a tie when
  // |d| has exactly 18 significant digits, the last a 5.
  const last = digits.charCodeAt(16) - 48;
  if (last % 2 === 1) {
    const p18 = Math.abs(d).toExponential(17);
    const exp18 = Number(p18.slice(20));
    if (p18[18] === "5" && exactly(d, p18.slice(0, 1) + p18.slice(2, 19), exp18 - 17)) {
      digits = digits.slice(0, 16) + String(last - 1);
    }
  }
  digits = digits.replace(/0+$/, "");
  let out: string;
  if (exp < -4 || exp >= 17) {
    const frac = digits.slice(1);
    const e = Math.abs(exp);
    out = digits[0] + (frac ? "." + frac : "") + (exp < 0 ? "e-" : "e+") + (e < 10 ? "0" : "") + e;
  } else if (exp < 0) {
    out = "0." + "0".repeat(-exp - 1) + digits;
  } else if (digits.length <= exp + 1) {
    out = digits + "0".repeat(exp + 1 - digits.length);
  } else {
    out = digits.slice(0, exp + 1) + "." + digits.slice(exp + 1);
  }
  return neg ? "-" + out : out;
}

/** Writes a score as a bulk string. */
export function replyScore(cx: Context, score: number): void {
  cx.out.bulk(formatScore(score));
}
