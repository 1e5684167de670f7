// Redis's glob-style pattern matching (KEYS, SCAN MATCH, CONFIG GET): '*', '?', '[abc]',
// '[^a-z]' and '\' escapes. Every pattern element but '*' matches exactly one char, so one
// backtrack point (the last '*') suffices: O(pattern × subject) worst case, never exponential.
// Redis's stringmatchlen quirks are kept on purpose, so that KEYS answers exactly as Redis:
// an empty subject matches only the empty pattern, range bounds compare as signed C chars,
// and a pattern nesting more than 1000 '*' matches nothing.

/** Matches one bracket class at pattern[p] (just after '['); returns [matched, index after ']']. */
function matchClass(pattern: string, p: number, c: number, nocase: boolean): [boolean, number] {
  const n = pattern.length;
  let negate = false;
  if (p < n && pattern.charCodeAt(p) === 94) {
    negate = true;
    p++;
  }
  let matched = false;
  for (;;) {
    if (p >= n) break; // Redis treats an unterminated class as closed at the end of the pattern
    let pc = pattern.charCodeAt(p);
    if (pc === 93) {
      p++;
      break;
    }
    if (pc === 92 && p + 1 < n) {
      p++;
      pc = pattern.charCodeAt(p);
      if (pc === c) matched = true;
    } else if (p + 2 < n && pattern.charCodeAt(p + 1) === 45) {
      // Redis compares `char`s, signed on x86-64: [a-\xff] is [\xff-a].
      let lo = signed(pc);
      let hi = signed(pattern.charCodeAt(p + 2));
      if (lo > hi) [lo, hi] = [hi, lo];
      let x = signed(c);
      if (nocase) {
        lo = lower(lo);
        hi = lower(hi);
        x = lower(x);
      }
      if (x >= lo && x <= hi) matched = true;
      p += 2;
    } else if (nocase ? lower(pc) === lower(c) : pc === c) {
      matched = true;
    }
    p++;
  }
  return [negate ? !matched : matched, p];
}

function lower(c: number): number {
  return c >= 65 && c <= 90 ? c + 32 : c;
}

function signed(c: number): number {
  return c >= 128 ? c - 256 : c;
}

/** Redis's recursion limit: matching past the 1001st '*' returns "no match". */
const MAX_NESTING = 1000;

/**
 * True when a pattern nests more '*'s than Redis allows (CVE-2022-36021 guard): its 1001st run
 * of '*' is followed by more pattern, so Redis would have to recurse too deep to match it.
 */
function tooDeep(pattern: string): boolean {
  const n = pattern.length;
  let stars = 0;
  for (let p = 0; p < n;) {
    const pc = pattern.charCodeAt(p);
    if (pc === 42) {
      while (p < n && pattern.charCodeAt(p) === 42) p++;
      if (++stars > MAX_NESTING) return p < n;
    } else if (pc === 91) {
      p = matchClass(pattern, p + 1, -1, false)[1];
    } else {
      p += pc === 92 && p + 1 < n ? 2 : 1;
    }
  }
  return false;
}

/** True when `subject` matches the glob `pattern` (both byte strings). */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const pn = pattern.length;
  const sn = subject.length;
  // stringmatchlen never looks at the pattern when the subject is empty: "*" misses "".
  if (sn === 0) return pn === 0;
  // Over 1000 runs of '*' need at least 2001 chars, so short patterns skip the check.
  if (pn > 2 * MAX_NESTING && tooDeep(pattern)) return false;
  let p = 0;
  let s = 0;
  let starP = -1; // pattern index just after the last '*'
  let starS = 0; // subject index that '*' is currently extended to
  while (s < sn) {
    if (p < pn) {
      const pc = pattern.charCodeAt(p);
      if (pc === 42) {
        while (p < pn && pattern.charCodeAt(p) === 42) p++;
        if (p === pn) return true;
        starP = p;
        starS = s;
        continue;
      }
      const c = subject.charCodeAt(s);
      let ok: boolean;
      let nextP = p + 1;
      if (pc === 63) {
        ok = true;
      } else if (pc === 91) {
        [ok, nextP] = matchClass(pattern, p + 1, c, nocase);
      } else if (pc === 92 && p + 1 < pn) {
        nextP = p + 2;
        const e = pattern.charCodeAt(p + 1);
        ok = nocase ? lower(e) === lower(c) : e === c;
      } else {
        ok = nocase ? lower(pc) === lower(c) : pc === c;
      }
      if (ok) {
        p = nextP;
        s++;
        continue;
      }
    }
    if (starP === -1) return false;
    p = starP;
    s = ++starS;
  }
  while (p < pn && pattern.charCodeAt(p) === 42) p++;
  return p === pn;
}
