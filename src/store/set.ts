// A Redis set. Members live in an array (for O(1) uniform random picks, which SPOP, SRANDMEMBER
// and SINTERCARD-free sampling need); Positions (positions.ts) finds a member's place in it, by
// searching the array while the set is small and through a table from 16 members. A removal
// moves the last member into the hole. Walks that must survive changes (SSCAN) use the table's
// iterator, which visits every member present from its start to its end whatever is added or
// removed meanwhile; the array's order shifts on every removal.
import type { Collection } from "./keyspace.ts";
import { parseInt64 } from "../commands/numbers.ts";
import { Positions } from "./positions.ts";

/** Redis's set-max-intset-entries. */
const MAX_INTSET_ENTRIES = 512;

/** A set of byte strings. */
export class SetValue implements Collection {
  /** On the prototype rather than a field: one set may be one of millions (as ListValue). */
  get type(): "set" {
    return "set";
  }
  private readonly members: string[] = [];
  private readonly index = new Positions(this.members, 1);

  /** A set holding `members` (duplicates collapse). */
  static of(members: Iterable<string>): SetValue {
    const s = new SetValue();
    for (const m of members) s.add(m);
    return s;
  }

  get size(): number {
    return this.members.length;
  }

  /** Redis's encoding for a set with these members (from the current contents, not sticky). */
  encoding(): string {
    // Redis 7.0 has two: intset while every member is a canonical 64-bit integer (up to 512 of
    // them), hashtable otherwise (the small-set listpack came with 7.2).
    const n = this.members.length;
    if (n > MAX_INTSET_ENTRIES) return "hashtable";
    for (let i = 0; i < n; i++) if (parseInt64(this.members[i]) === undefined) return "hashtable";
    return "intset";
  }

  clone(): SetValue {
    return SetValue.of(this.members);
  }

  has(member: string): boolean {
    return this.index.position(member) >= 0;
  }

  /** Adds a member; false when it was there already. */
  add(member: string): boolean {
    const h = this.index.hash(member);
    if (this.index.find(member, h) >= 0) return false;
    this.members.push(member);
    this.index.added(member, this.members.length - 1, h);
    return true;
  }

  /** Removes a member; false when it was not there. */
  delete(member: string): boolean {
    const h = this.index.hash(member);
    const at = this.index.find(member, h);
    if (at < 0) return false;
    this.removeAt(at, member, h);
    return true;
  }

  /**
   * Removes the member at array position `at` (which is `member`, of hash `h` as Positions
   * takes it) by moving the last into it.
   */
  private removeAt(at: number, member: string, h: number): void {
    const last = this.members.pop() as string;
    if (at !== this.members.length) {
      this.members[at] = last;
      this.index.moved(last, at);
    }
    this.index.removed(member, h);
  }

  /** A uniformly random member (the set must not be empty). */
  random(): string {
    return this.members[Math.floor(Math.random() * this.members.length)];
  }

  /** Removes and returns a uniformly random member (the set must not be empty). */
  pop(): string {
    const at = Math.floor(Math.random() * this.members.length);
    const member = this.members[at];
    this.removeAt(at, member, this.index.hash(member));
    return member;
  }

  /**
   * `count` distinct uniformly random members (count < size), in random order: a partial
   * Fisher-Yates shuffle whose swaps are kept in a small Map, so it costs O(count), not O(size).
   */
  sample(count: number): string[] {
    const picks = sampleIndexes(this.members.length, count);
    const out: string[] = new Array(count);
    for (let i = 0; i < count; i++) out[i] = this.members[picks[i]];
    return out;
  }

  /** The members, in no particular order (a live view: do not keep it past the command). */
  values(): readonly string[] {
    return this.members;
  }

  /**
   * The members in Redis's reply order where it has one: an intset lists its integers in
   * ascending order (so SMEMBERS of {3, 1, 2} is 1 2 3 there too); otherwise as `values`.
   */
  ordered(): readonly string[] {
    // One pass decides the encoding (as encoding() does) and parses the keys to sort by.
    const n = this.members.length;
    if (n > MAX_INTSET_ENTRIES) return this.members;
    const keyed: { m: string; n: number | bigint }[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const m = this.members[i];
      const v = parseInt64(m);
      if (v === undefined) return this.members; // not an intset
      keyed[i] = { m, n: v };
    }
    keyed.sort((a, b) => (a.n < b.n ? -1 : a.n > b.n ? 1 : 0));
    return keyed.map((k) => k.m);
  }

  /**
   * An iterator that sees every member present from its start to its end (SSCAN); `whole` when
   * the scan takes everything in one call, which lists an intset in order, as Redis does.
   */
  scan(whole = false): Iterator<string> {
    return whole ? this.ordered()[Symbol.iterator]() : this.index.keys();
  }
}

/**
 * `count` distinct positions in [0, n) (count <= n), uniformly random and in random order, in
 * O(count) time and memory: a partial Fisher-Yates shuffle over virtual positions, where only
 * the displaced positions are remembered.
 */
export function sampleIndexes(n: number, count: number): number[] {
  const moved = new Map<number, number>();
  const out: number[] = new Array(count);
  for (let i = 0; i < count; i++) {
    const j = i + Math.floor(Math.random() * (n - i));
    out[i] = moved.get(j) ?? j;
    moved.set(j, moved.get(i) ?? i);
  }
  return out;
}
