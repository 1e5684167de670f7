// Redis's glob-style pattern matching (KEYS, SCAN MATCH, CONFIG GET): '*', '?', '[abc]',
// '[^a-z]' and '\' escapes. Every pattern element but '*' matches exactly one char, so one
// backtrack point (the last '*') suffices: O(pattern × subject) worst case, never exponential.

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
      let lo = pc;
      let hi = pattern.charCodeAt(p + 2);
      if (lo > hi) [lo, hi] = [hi, lo];
      let x = c;
      if (nocase) {
        lo = lower(lo);
        hi = lower(hi);
        x = lower(c);
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

/** True when `subject` matches the glob `pattern` (both byte strings). */
export function globMatch(pattern: string, subject: string, nocase = false): boolean {
  const pn = pattern.length;
  const sn = subject.length;
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
