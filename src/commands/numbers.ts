// Redis's number semantics on byte strings: strict 64-bit integers (string2ll) and the decimal
// arithmetic behind INCRBYFLOAT.

export const INT64_MAX = 9223372036854775807n;
export const INT64_MIN = -9223372036854775808n;

/**
 * Parses a 64-bit signed integer the way Redis's string2ll does: optional '-', no '+', no
 * leading zeros, no spaces. Returns a number when it is a safe integer, a bigint for the rest
 * of the 64-bit range, undefined when malformed or out of range.
 */
export function parseInt64(s: string): number | bigint | undefined {
  const n = s.length;
  if (n === 0 || n > 20) return undefined;
  let i = 0;
  if (s.charCodeAt(0) === 45) {
    if (n === 1) return undefined;
    i = 1;
  }
  const first = s.charCodeAt(i);
  if (first === 48) return n === 1 ? 0 : undefined;
  if (first < 49 || first > 57) return undefined;
  let v = 0;
  for (let j = i; j < n; j++) {
    const d = s.charCodeAt(j) - 48;
    if (d < 0 || d > 9) return undefined;
    v = v * 10 + d;
  }
  if (n - i <= 15) return i === 1 ? -v : v;
  const big = BigInt(s);
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

/** Beyond these decimal magnitudes an 80-bit long double overflows or underflows. */
const MAX_MAGNITUDE = 4932;
const MIN_MAGNITUDE = -4950;
/** Redis refuses longer float strings (MAX_LONG_DOUBLE_CHARS). */
const MAX_FLOAT_CHARS = 5 * 1024;

const DECIMAL = /^([+-]?)(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$/;
const HEX = /^([+-]?)0[xX]([0-9a-fA-F]*)(?:\.([0-9a-fA-F]*))?(?:[pP]([+-]?\d+))?$/;
const INFINITY = /^[+-]?inf(inity)?$/i;

function magnitude(d: Decimal): number {
  if (d.mant === 0n) return 0;
  const digits = (d.mant < 0n ? -d.mant : d.mant).toString().length;
  return digits + d.exp;
}

/**
 * Parses a float the way Redis's string2ld (strtold) accepts it: decimal or hex notation, no
 * surrounding spaces. Returns the exact decimal, "inf"/"-inf" for infinities, or undefined when
 * Redis would say "value is not a valid float".
 */
export function parseDecimal(s: string): Decimal | "inf" | "-inf" | undefined {
  if (s.length === 0 || s.length > MAX_FLOAT_CHARS) return undefined;
  if (INFINITY.test(s)) return s[0] === "-" ? "-inf" : "inf";
  let d: Decimal;
  let m = DECIMAL.exec(s);
  if (m) {
    const int = m[2];
    const frac = m[3] ?? "";
    if (int === "" && frac === "") return undefined;
    const exp = m[4] === undefined ? 0 : Number(m[4]);
    if (!Number.isSafeInteger(exp)) return undefined;
    d = { mant: BigInt(int + frac || "0"), exp: exp - frac.length };
    if (m[1] === "-") d.mant = -d.mant;
  } else if ((m = HEX.exec(s))) {
    const int = m[2];
    const frac = m[3] ?? "";
    if (int === "" && frac === "") return undefined;
    const exp2 = (m[4] === undefined ? 0 : Number(m[4])) - 4 * frac.length;
    if (!Number.isSafeInteger(exp2) || Math.abs(exp2) > 20000) return undefined;
    let mant = BigInt("0x" + (int + frac || "0"));
    if (m[1] === "-") mant = -mant;
    // mant × 2^exp2 as a decimal: for negative exponents, 2^-k = 5^k × 10^-k.
    d = exp2 >= 0
      ? { mant: mant << BigInt(exp2), exp: 0 }
      : { mant: mant * 5n ** BigInt(-exp2), exp: exp2 };
  } else {
    return undefined;
  }
  const mag = magnitude(d);
  if (mag > MAX_MAGNITUDE || (d.mant !== 0n && mag < MIN_MAGNITUDE)) return undefined;
  return d;
}

/** a + b, exactly; undefined when the result would overflow a long double (Redis: Infinity). */
export function addDecimal(a: Decimal, b: Decimal): Decimal | undefined {
  const exp = Math.min(a.exp, b.exp);
  const sum = {
    mant: a.mant * 10n ** BigInt(a.exp - exp) + b.mant * 10n ** BigInt(b.exp - exp),
    exp,
  };
  return magnitude(sum) > MAX_MAGNITUDE ? undefined : sum;
}

/**
 * Formats like Redis's ld2string in human mode ("%.17Lf", trailing zeros removed, "-0" as "0"):
 * fixed notation, at most 17 digits after the point, rounded half away from zero.
 */
export function formatDecimal(d: Decimal): string {
  let { mant, exp } = d;
  if (exp < -17) {
    const div = 10n ** BigInt(-17 - exp);
    const neg = mant < 0n;
    let q = (neg ? -mant : mant) / div;
    const r = (neg ? -mant : mant) % div;
    if (r * 2n >= div) q += 1n;
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
