// Microbenchmarks of a sorted set in its large form (src/store/btree.ts), at a thousand and at
// a million members: moving a member to a new random score (what redis-benchmark's ZADD does to
// an existing member), a rank, a score lookup, and a delete plus insert. Members are visited in
// a scattered order, so that the larger set is read mostly from memory, as the server reads it.
import { ZsetValue } from "../src/store/zset.ts";

// deno-lint-ignore no-unused-vars
let sink: unknown;

/** Scores spread like redis-benchmark's 12-digit random ones, from a fixed sequence. */
function scoreOf(i: number): number {
  return (Math.imul(i, 2654435761) >>> 0) * 233;
}

for (const size of [1_000, 1_000_000]) {
  const z = new ZsetValue();
  const members: string[] = [];
  for (let i = 0; i < size; i++) {
    members.push("element:" + String(i).padStart(12, "0"));
    z.add(members[i], scoreOf(i), 0);
  }
  let i = 0;
  let n = size;
  const next = (): string => members[i = (i + 7919) % size];
  const group = `sorted set, ${size.toLocaleString("en")} members`;
  Deno.bench(`move a member (${size} members)`, { group }, () => {
    sink = z.add(next(), scoreOf(n++), 0);
  });
  Deno.bench(`rank (${size} members)`, { group }, () => {
    sink = z.rank(next());
  });
  Deno.bench(`score (${size} members)`, { group }, () => {
    sink = z.score(next());
  });
  Deno.bench(`delete + insert (${size} members)`, { group }, () => {
    const m = next();
    z.delete(m);
    sink = z.add(m, scoreOf(n++), 0);
  });
}
