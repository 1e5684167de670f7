// globMatch against a deliberately naive reference (tokenize, then a memoised recursion that
// tries every split for '*') over many random patterns and subjects from a small alphabet, plus
// edge cases whose answers were taken from redis-server 7.0's KEYS.
import assert from "node:assert/strict";
import { globMatch } from "../../src/store/glob.ts";
import { seededRandom } from "../helpers/random.ts";

/** One pattern element: a run of '*' or a test for exactly one byte. */
type Token = "star" | ((c: number, nocase: boolean) => boolean);

const lower = (c: number) => (c >= 65 && c <= 90 ? c + 32 : c);
/** Redis compares `char`s, which are signed on x86-64. */
const signed = (c: number) => (c >= 128 ? c - 256 : c);

/** Splits a pattern into tokens with Redis's rules for classes and escapes. */
function tokenize(pattern: string): Token[] {
  const tokens: Token[] = [];
  const n = pattern.length;
  const at = (i: number) => pattern.charCodeAt(i);
  let i = 0;
  while (i < n) {
    const ch = pattern[i];
    if (ch === "*") {
      if (tokens.at(-1) !== "star") tokens.push("star");
      i++;
    } else if (ch === "?") {
      tokens.push(() => true);
      i++;
    } else if (ch === "\\" && i + 1 < n) {
      const lit = at(i + 1);
      tokens.push((c, nocase) => (nocase ? lower(c) === lower(lit) : c === lit));
      i += 2;
    } else if (ch === "[") {
      i++;
      const negate = pattern[i] === "^";
      if (negate) i++;
      const items: ((c: number, nocase: boolean) => boolean)[] = [];
      while (i < n) {
        if (pattern[i] === "\\" && i + 1 < n) {
          const lit = at(i + 1);
          items.push((c) => c === lit); // an escaped class member ignores nocase, as in Redis
          i += 2;
        } else if (pattern[i] === "]") {
          i++;
          break;
        } else if (i + 2 < n && pattern[i + 1] === "-") {
          const a = signed(at(i));
          const b = signed(at(i + 2));
          const lo = Math.min(a, b);
          const hi = Math.max(a, b);
          items.push((c, nocase) => {
            const x = nocase ? lower(signed(c)) : signed(c);
            return nocase ? x >= lower(lo) && x <= lower(hi) : x >= lo && x <= hi;
          });
          i += 3;
        } else {
          const lit = at(i);
          items.push((c, nocase) => (nocase ? lower(c) === lower(lit) : c === lit));
          i++;
        }
      }
      tokens.push((c, nocase) => items.some((f) => f(c, nocase)) !== negate);
    } else {
      const lit = at(i);
      tokens.push((c, nocase) => (nocase ? lower(c) === lower(lit) : c === lit));
      i++;
    }
  }
  return tokens;
}

/** The reference: what Redis's stringmatchlen answers, computed the slow and obvious way. */
function reference(pattern: string, subject: string, nocase = false): boolean {
  if (subject.length === 0) return pattern.length === 0; // Redis never looks at the pattern
  const tokens = tokenize(pattern);
  let stars = 0;
  for (let t = 0; t < tokens.length; t++) {
    if (tokens[t] === "star" && ++stars > 1000 && t + 1 < tokens.length) return false;
  }
  const memo = new Map<number, boolean>();
  const match = (t: number, s: number): boolean => {
    const key = t * (subject.length + 1) + s;
    const known = memo.get(key);
    if (known !== undefined) return known;
    let r: boolean;
    const token = tokens[t];
    if (t === tokens.length) r = s === subject.length;
    else if (token === "star") r = match(t + 1, s) || (s < subject.length && match(t, s + 1));
    else r = s < subject.length && token(subject.charCodeAt(s), nocase) && match(t + 1, s + 1);
    memo.set(key, r);
    return r;
  };
  return match(0, 0);
}

const PATTERN_ALPHABET = ["a", "b", "A", "*", "*", "?", "[", "]", "^", "-", "\\", "\xe9", "\x01"];
const SUBJECT_ALPHABET = ["a", "b", "A", "B", "-", "]", "^", "\\", "*", "\xe9", "\xf0", "\0"];

Deno.test("globMatch agrees with the reference on random patterns and subjects", () => {
  const random = seededRandom(20240607);
  const pick = (alphabet: string[], max: number) => {
    let s = "";
    const len = Math.floor(random() * (max + 1));
    for (let i = 0; i < len; i++) s += alphabet[Math.floor(random() * alphabet.length)];
    return s;
  };
  let matches = 0;
  for (let i = 0; i < 30_000; i++) {
    const pattern = pick(PATTERN_ALPHABET, 8);
    const subject = pick(SUBJECT_ALPHABET, 7);
    const nocase = i % 4 === 0;
    const expected = reference(pattern, subject, nocase);
    if (expected) matches++;
    assert.equal(
      globMatch(pattern, subject, nocase),
      expected,
      `globMatch(${JSON.stringify(pattern)}, ${JSON.stringify(subject)}, nocase=${nocase})`,
    );
  }
  // The comparison means little unless both answers occur often.
  assert.ok(matches > 1000 && matches < 29_000, `${matches} matches`);
});

Deno.test("globMatch edge cases, as redis-server 7.0 answers them", () => {
  const cases: [string, string, boolean][] = [
    ["", "", true],
    ["", "a", false],
    ["*", "", false], // KEYS * still lists "": it never calls the matcher for "*"
    ["**", "", false],
    ["*", "anything", true],
    ["a*", "a", true],
    ["*a", "a", true],
    ["**a", "a", true],
    ["a*b*", "ab", true],
    ["?", "\xe9", true],
    ["h?llo", "hello", true],
    ["h?llo", "hllo", false],
    ["h[ae]llo", "hallo", true],
    ["h[^e]llo", "hello", false],
    ["[a-c]", "b", true],
    ["[c-a]", "b", true], // a reversed range is the same range
    ["[z-a]", "m", true],
    ["[^a]", "\xe9", true],
    ["[^]", "a", true], // an empty negated class matches any byte
    ["[]", "a", false], // an empty class matches nothing
    ["[]a]", "a", false],
    ["[]a]", "]a]", false],
    ["[\\]]", "]", true],
    ["[^\\]]", "]", false],
    ["[-]", "-", true],
    ["[^-]", "-", false],
    ["[-a]", "-", true],
    ["[*]", "*", true],
    ["[?]", "a", false],
    ["[\\a-z]", "m", false], // an escaped 'a' cannot start a range: the class is {a, -, z}
    ["h[a-]llo", "h-llo", false], // ']' ends the range a-], the class runs on to the end
    ["h[a-]llo", "ha", true],
    ["h[a-]llo", "h^", true],
    ["[a-", "-", true], // unterminated: closed at the end of the pattern
    ["[a-", "a", true],
    ["[a-", "[", false],
    ["[\\", "\\", true],
    ["[a\\", "\\", true],
    ["*[", "a", false],
    ["a[", "a", false],
    ["\\*", "*", true],
    ["\\*", "a", false],
    ["a\\", "a\\", true], // a trailing backslash is a literal backslash
    ["\\", "\\", true],
    ["[\x01-\xe9]", "b", false], // signed chars: \xe9 is -23, so the range is -23..1
    ["[\x01-\xe9]", "\xf0", true],
    ["[\xe9-\x01]", "\xe0", false],
    ["k\r\n*", "k\r\n\0\xfe", true],
  ];
  for (const [pattern, subject, expected] of cases) {
    const label = `globMatch(${JSON.stringify(pattern)}, ${JSON.stringify(subject)})`;
    assert.equal(globMatch(pattern, subject), expected, label);
    assert.equal(reference(pattern, subject), expected, `reference ${label}`);
  }
});

Deno.test("globMatch nocase folds ASCII letters, but not escaped class members", () => {
  assert.equal(globMatch("HELLO", "hello", true), true);
  assert.equal(globMatch("HELLO", "hello"), false);
  assert.equal(globMatch("h[A-C]llo", "hbllo", true), true);
  assert.equal(globMatch("h[ABC]llo", "hbllo", true), true);
  assert.equal(globMatch("h[\\B]llo", "hbllo", true), false);
  assert.equal(globMatch("h\\Ello", "hello", true), true);
});

Deno.test("globMatch: more than 1000 nested '*' match nothing, as in Redis", () => {
  const subject = "a".repeat(1001);
  assert.equal(globMatch("*a".repeat(1000), subject), true);
  assert.equal(globMatch("*a".repeat(1001), subject), false);
  assert.equal(globMatch("*a".repeat(1000) + "*", subject), true, "a trailing 1001st '*' is fine");
  assert.equal(globMatch("*a".repeat(1000) + "***", subject), true);
  assert.equal(globMatch("\\*a".repeat(1001), "*a".repeat(1001)), true, "escaped '*' do not count");
  assert.equal(globMatch("[*]a".repeat(1001), "*a".repeat(1001)), true, "nor '*' in classes");
});

Deno.test("globMatch: pathological patterns finish (no exponential backtracking)", () => {
  const long = "a".repeat(100_000);
  assert.equal(globMatch("a*a*a*a*a*a*a*a*a*a*b", long), false);
  assert.equal(globMatch("a*a*a*a*a*a*a*a*a*a*b", long + "b"), true);
  assert.equal(globMatch("*?*?*?*?*?*?*?*?*?*?c", long), false);
  assert.equal(globMatch("*[a-z]*[^b]*a*a*a*a*a*c", long), false);
});
