// Redis's number semantics on byte strings: strict 64-bit integers (string2ll) and the decimal
// arithmetic behind INCRBYFLOAT.

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/** A string's chars, for parseInt64 (only ever 20 of them: a longer string is no int64). */
const CHARS = new Uint8Array(20);

/**
 * Parses a 64-bit signed integer the way Redis's string2ll does: optional '-', no '+', no
 * leading zeros, no spaces. Returns a number when it is a safe integer, a bigint for the rest
 * of the 64-bit range, undefined when malformed or out of range.
 */
export function parseInt64(s: string): number | bigint | undefined {
  const n = s.length;
  if (n === 0 || n > 20) return undefined;
  for (let j = 0; j < n; j++) {
    const c = s.charCodeAt(j);
    if (c > 57) return undefined; // no digit nor '-' (and no char past a byte)
    CHARS[j] = c;
  }
  return parseInt64Bytes(CHARS, 0, n);
}

/**
 * parseInt64 over the bytes [s, e) of `b`, such as a request's argument: no string is built
 * unless the number is past 15 digits.
 */
export function parseInt64Bytes(b: Uint8Array, s: number, e: number): number | bigint | undefined {
  const n = e - s;
  if (n === 0 || n > 20) return undefined;
  let i = s;
  if (b[s] === 45) {
    if (n === 1) return undefined;
    i++;
  }
  const first = b[i];
  if (first === 48) return n === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  let v = 0;
  for (let j = i; j < e; j++) {
    const d = b[j] - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (e - i <= 15) return i === s ? v : -v;
  const big = BigInt(String.fromCharCode(...b.subarray(s, e)));
  if (big > INT64_MAX || big < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(big)) && BigInt(Number(big)) === big ? Number(big) : big;
}

/** a + b within 64 bits, or undefined on overflow (Redis's "increment or decrement would overflow"). */
export function addInt64(a: number | bigint, b: number | bigint): number | bigint | undefined {
  if (typeof a === "number" && typeof b === "number") {
    const r = a + b;
    if (Number.isSafeInteger(r)) return r;
  }
  const r = BigInt(a) + BigInt(b);
  if (r > INT64_MAX || r < INT64_MIN) return undefined;
  return Number.isSafeInteger(Number(r)) ? Number(r) : r;
}

/** An exact decimal: mant × 10^exp. */
export interface Decimal {
  mant: bigint;
  exp: number;
}

/** Redis refuses longer float strings (MAX_LONG_DOUBLE_CHARS). */
const MAX_FLOAT_CHARS = 5 * 1024;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;

/** The number of digits before the decimal point of |d| (d ≠ 0): |d| is in [10^(m-1), 10^m). */
function magnitude(d: Decimal): number {
  const digits = (d.mant < 0n ? -d.mant : d.mant).toString().length;
  return digits + d.exp;
}

// An 80-bit long double (Redis's INCRBYFLOAT type) rounds to nearest, ties to even. Its largest
// value is (2^64 - 1) × 2^16320, so anything from half an ulp above it, (2^65 - 1) × 2^16319,
// rounds to infinity; its smallest subnormal is 2^-16445, so anything up to half of it rounds
// to zero. strtold reports both as ERANGE and Redis refuses them as "not a valid float".
// Thresholds in decimal: LDBL_MAX ≈ 1.19e4932 (magnitude 4933), 2^-16446 ≈ 1.82e-4951
// (magnitude -4950); only numbers of exactly those magnitudes need the exact comparison.
const OVERFLOW_MAGNITUDE = 4933;
const UNDERFLOW_MAGNITUDE = -4950;
let overflowThreshold: bigint | undefined;

/** True when |d| rounds to infinity as a long double. */
function overflows(d: Decimal): boolean {
  if (d.mant === 0n) return false;
  const mag = magnitude(d);
  if (mag !== OVERFLOW_MAGNITUDE) return mag > OVERFLOW_MAGNITUDE;
  overflowThreshold ??= ((1n << 65n) - 1n) << 16319n;
  const abs = d.mant < 0n ? -d.mant : d.mant;
  return d.exp >= 0
    ? abs * 10n ** BigInt(d.exp) >= overflowThreshold
    : abs >= overflowThreshold * 10n ** BigInt(-d.exp);
}

/** True when d is not zero but rounds to zero as a long double. */
function underflows(d: Decimal): boolean {
  if (d.mant === 0n) return false;
  const mag = magnitude(d);
  if (mag !== UNDERFLOW_MAGNITUDE) return mag < UNDERFLOW_MAGNITUDE;
  // Here exp < -4950: |mant| × 10^exp <= 2^-16446  ⟺  |mant| × 2^16446 <= 10^-exp.
  const abs = d.mant < 0n ? -d.mant : d.mant;
  return (abs << 16446n) <= 10n ** BigInt(-d.exp);
}

/**
 * Parses a float the way Redis's string2ld (strtold) accepts it: decimal or hex notation, no
 * surrounding spaces, nothing that overflows or underflows a long double. Returns the exact
 * decimal, "inf"/"-inf" for infinities, or undefined when Redis would say "value is not a valid
 * float".
 */
export function parseDecimal(s: string): Decimal | "inf" | "-inf" | undefined {
  if (s.length === 0 || s.length >= MAX_FLOAT_CHARS) return undefined;
  if (INFINITY.test(s)) return s[0] === "-" ? "-inf" : "inf";
  let d: Decimal;
  let m = DECIMAL.exec(s);
  if (m) {
    const int = m[2];
    const frac = m[3] ?? "";
    if (int === "" && frac === "") return undefined;
    const mant = BigInt(int + frac);
    if (mant === 0n) return { mant: 0n, exp: 0 }; // zero whatever the exponent, as strtold
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    // An exponent this large overflows or underflows whatever the digits.
    if (!Number.isSafeInteger(exp) || Math.abs(exp) > 100_000) return undefined;
    d = { mant: m[1] === "-" ? -mant : mant, exp: exp - frac.length };
  } else if ((m = HEX.exec(s))) {
    const int = m[2];
    const frac = m[3] ?? "";
    if (int === "" && frac === "") return undefined;
    const mant = BigInt("0x" + (int + frac));
    if (mant === 0n) return { mant: 0n, exp: 0 };
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp)) return undefined;
    const exp2 = exp - 4 * frac.length;
    // |value| is in [2^(bits-1+exp2), 2^(bits+exp2)): far outside the long double range, refuse
    // it before building a huge power.
    const bits = mant.toString(2).length;
    if (bits + exp2 > 16400 || bits + exp2 < -16500) return undefined;
    // mant × 2^exp2 as a decimal: for negative exponents, 2^-k = 5^k × 10^-k.
    const signed = m[1] === "-" ? -mant : mant;
    d = exp2 >= 0
      ? { mant: signed << BigInt(exp2), exp: 0 }
      : { mant: signed * 5n ** BigInt(-exp2), exp: exp2 };
  } else {
    return undefined;
  }
  if (overflows(d) || underflows(d)) return undefined;
  return roundLongDouble(d);
}

/**
 * a + b rounded to a long double, as Redis's long double addition rounds it; undefined when the
 * result would overflow one (Redis: Infinity).
 */
export function addDecimal(a: Decimal, b: Decimal): Decimal | undefined {
  const exp = Math.min(a.exp, b.exp);
  const sum = {
    mant: a.mant * 10n ** BigInt(a.exp - exp) + b.mant * 10n ** BigInt(b.exp - exp),
    exp,
  };
  return overflows(sum) ? undefined : roundLongDouble(sum);
}

const TWO_63 = 1n << 63n;
const TWO_64 = 1n << 64n;

/**
 * `d` rounded to the nearest 80-bit long double, ties to even: to its 64-bit significand, as
 * strtold and long double arithmetic round. A value of 2^63 or more loses its fraction, one
 * past 2^64 its low digits: `SET k -9223372036854775807` then `INCRBYFLOAT k -1.25` gives
 * -9223372036854775808 in Redis. (Subnormals, below 2^-16382, keep more bits here than there;
 * at the 17 decimals Redis prints they all read 0 either way.)
 */
export function roundLongDouble(d: Decimal): Decimal {
  if (d.mant === 0n) return d;
  const neg = d.mant < 0n;
  const abs = neg ? -d.mant : d.mant;
  // |d| = num / den, and |d| × 2^k = q + r / m with q in [2^63, 2^64).
  const num = d.exp >= 0 ? abs * 10n ** BigInt(d.exp) : abs;
  const den = d.exp >= 0 ? 1n : 10n ** BigInt(-d.exp);
  let k = 64 - (num.toString(2).length - den.toString(2).length);
  let q: bigint;
  let r: bigint;
  let m: bigint;
  for (;;) {
    const n = k >= 0 ? num << BigInt(k) : num;
    m = k >= 0 ? den : den << BigInt(-k);
    q = n / m;
    r = n - q * m;
    if (q >= TWO_64) k--;
    else if (q < TWO_63) k++;
    else break;
  }
  if (2n * r > m || (2n * r === m && (q & 1n) === 1n)) q++;
  if (q === TWO_64) {
    q = TWO_63;
    k--;
  }
  // q × 2^-k, as a decimal: for k > 0, 2^-k = 5^k × 10^-k.
  const mant = k > 0 ? q * 5n ** BigInt(k) : q << BigInt(-k);
  return { mant: neg ? -mant : mant, exp: k > 0 ? -k : 0 };
}

/**
 * Formats like Redis's ld2string in human mode ("%.17Lf", trailing zeros removed, "-0" as "0"):
 * fixed notation, at most 17 digits after the point, rounded to nearest with ties to even (as
 * glibc's printf rounds the exact value of a long double: 2^-18 prints as 0.00000381469726562).
 */
export function formatDecimal(d: Decimal): string {
  let { mant, exp } = d;
  if (exp < -17) {
    const div = 10n ** BigInt(-17 - exp);
    const neg = mant < 0n;
    let q = (neg ? -mant : mant) / div;
    const r = (neg ? -mant : mant) % div;
    if (r * 2n > div || (r * 2n === div && (q & 1n) === 1n)) q += 1n;
    mant = neg ? -q : q;
    exp = -17;
  }
  const neg = mant < 0n;
  let digits = (neg ? -mant : mant).toString();
  if (exp >= 0) {
    digits = mant === 0n ? "0" : digits + "0".repeat(exp);
  } else {
    const point = digits.length + exp;
    const int = point > 0 ? digits.slice(0, point) : "0";
    const frac = (point < 0 ? "0".repeat(-point) + digits : digits.slice(point)).replace(/0+$/, "");
    digits = frac === "" ? int : `${int}.${frac}`;
  }
  if (digits === "0") return "0";
  return neg ? "-" + digits : digits;
}
