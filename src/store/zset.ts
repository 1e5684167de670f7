// A Redis sorted set. Small sets (at most 128 members of at most 64 bytes) are two sorted
// parallel arrays searched linearly or by bisection, the counterpart of Redis's "listpack"
// encoding: O(n) changes for tiny n and little memory per set. A set that outgrows them moves
// to a B+tree plus a member → score table for good (btree.ts), as Redis converts to its
// "skiplist" encoding (the name OBJECT ENCODING reports) and never back. Both forms answer the
// same rank-based questions, so the commands work on ranks: a score or lex range is the ranks
// between two counts.
import type { Collection } from "./keyspace.ts";
import { BTree, compareLex, firstNotBefore, type LexBound } from "./btree.ts";

export { compareLex, type LexBound };

/** Redis's zset-max-listpack-entries and zset-max-listpack-value. */
export const MAX_LISTPACK_ENTRIES = 128;
export const MAX_LISTPACK_VALUE = 64;

/** ZADD's input flags. */
export const ZADD_NX = 1;
export const ZADD_XX = 2;
export const ZADD_GT = 4;
export const ZADD_LT = 8;
export const ZADD_INCR = 16;

/** What `add` did (Redis's ZADD_OUT_*); 0: the member was there with that score already. */
export const ADDED = 1;
export const UPDATED = 2;
export const NOP = 4;
export const NAN = 8;

/** What both forms of a sorted set answer; ranks are 0-based. */
interface SortedStore {
  readonly length: number;
  score(member: string): number | undefined;
  insert(member: string, score: number): void;
  /** Gives present `member` (whose score is `from`) the score `to`, moving it to its place. */
  updateScore(member: string, from: number, to: number): void;
  delete(member: string): boolean;
  rank(member: string): number;
  countScoreBelow(score: number, inclusive: boolean): number;
  countLexBelow(bound: LexBound, inclusive: boolean): number;
  walk(from: number, count: number, reverse: boolean, fn: (m: string, s: number) => void): void;
  deleteRange(from: number, to: number): void;
}

/** The small form: members and scores in two arrays sorted by (score, member). */
class PackedZset implements SortedStore {
  constructor(readonly members: string[] = [], readonly scores: number[] = []) {}

  get length(): number {
    return this.members.length;
  }

  score(member: string): number | undefined {
    const i = this.members.indexOf(member);
    return i === -1 ? undefined : this.scores[i];
  }

  insert(member: string, score: number): void {
    // A listpack stores 0 for -0 (Redis prints the score as an integer), so -0 reads back as 0.
    if (score === 0) score = 0;
    const at = firstNotBefore(this.scores, this.members, this.members.length, score, member);
    this.members.splice(at, 0, member);
    this.scores.splice(at, 0, score);
  }

  updateScore(member: string, _from: number, to: number): void {
    this.delete(member);
    this.insert(member, to);
  }

  delete(member: string): boolean {
    const i = this.members.indexOf(member);
    if (i === -1) return false;
    this.members.splice(i, 1);
    this.scores.splice(i, 1);
    return true;
  }

  rank(member: string): number {
    return this.members.indexOf(member);
  }

  countScoreBelow(score: number, inclusive: boolean): number {
    const ss = this.scores;
    let lo = 0;
    let hi = ss.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (inclusive ? ss[mid] <= score : ss[mid] < score) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  countLexBelow(bound: LexBound, inclusive: boolean): number {
    const ms = this.members;
    let lo = 0;
    let hi = ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      const c = compareLex(ms[mid], bound);
      if (inclusive ? c <= 0 : c < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  walk(from: number, count: number, reverse: boolean, fn: (m: string, s: number) => void): void {
    const step = reverse ? -1 : 1;
    for (let i = from, n = 0; n < count && i >= 0 && i < this.members.length; i += step, n++) {
      fn(this.members[i], this.scores[i]);
    }
  }

  deleteRange(from: number, to: number): void {
    this.members.splice(from, to - from);
    this.scores.splice(from, to - from);
  }
}

/** A sorted set of byte strings. */
export class ZsetValue implements Collection {
  /** On the prototype rather than a field: one zset may be one of millions (as ListValue). */
  get type(): "zset" {
    return "zset";
  }
  private store: SortedStore = new PackedZset();
  /** The score `add` left its member with (ZADD INCR's and ZINCRBY's reply). */
  newScore = 0;

  /** A set of the given members and scores, in the form Redis would give such a result. */
  static of(members: readonly string[], scores: readonly number[]): ZsetValue {
    const z = new ZsetValue();
    let small = members.length <= MAX_LISTPACK_ENTRIES;
    for (let i = 0; small && i < members.length; i++) {
      if (members[i].length > MAX_LISTPACK_VALUE) small = false;
    }
    if (!small) z.toTree();
    for (let i = 0; i < members.length; i++) z.store.insert(members[i], scores[i]);
    return z;
  }

  get size(): number {
    return this.store.length;
  }

  /** True while the set is in its small form (Redis's listpack). */
  private get packed(): boolean {
    return this.store instanceof PackedZset;
  }

  encoding(): string {
    return this.packed ? "listpack" : "skiplist";
  }

  clone(): ZsetValue {
    const z = new ZsetValue();
    if (this.store instanceof PackedZset) {
      z.store = new PackedZset(this.store.members.slice(), this.store.scores.slice());
    } else {
      z.store = (this.store as BTree).clone();
    }
    return z;
  }

  /** Moves to the large form (the B+tree), for good. */
  private toTree(): void {
    const tree = new BTree();
    this.store.walk(0, this.store.length, false, (m, s) => tree.insert(m, s));
    this.store = tree;
  }

  /** The score of `member`, if present. */
  score(member: string): number | undefined {
    return this.store.score(member);
  }

  /**
   * Redis's zsetAdd: adds `member` or updates its score under ZADD's `flags`, and returns what
   * it did (ADDED, UPDATED, NOP, NAN or 0), leaving the member's score in `newScore`.
   */
  add(member: string, score: number, flags: number): number {
    if (Number.isNaN(score)) return NAN;
    const store = this.store;
    const current = store.score(member);
    if (current !== undefined) {
      if (flags & ZADD_NX) return NOP;
      if (flags & ZADD_INCR) {
        score += current;
        if (Number.isNaN(score)) return NAN;
      }
      if (((flags & ZADD_LT) && score >= current) || ((flags & ZADD_GT) && score <= current)) {
        return NOP;
      }
      this.newScore = score;
      if (score === current) return 0;
      store.updateScore(member, current, score);
      return UPDATED;
    }
    if (flags & ZADD_XX) return NOP;
    if (
      this.packed &&
      (store.length + 1 > MAX_LISTPACK_ENTRIES || member.length > MAX_LISTPACK_VALUE)
    ) {
      this.toTree();
    }
    this.store.insert(member, score);
    this.newScore = score;
    return ADDED;
  }

  /** Removes `member`; false when it was not there. */
  delete(member: string): boolean {
    if (!this.store.delete(member)) return false;
    this.shrinkIfSparse();
    return true;
  }

  /**
   * Rebuilds a tree that deletions left mostly empty: a node merges only with a neighbour it
   * fits beside, so a thinned tree stays sparser and deeper than one built afresh (amortized
   * O(log n) per deletion). It stays in the large form, as in Redis. A ZSCAN
   * iterator keeps walking the old member table: it still sees every member present
   * throughout, and ZSCAN skips the ones deleted since.
   */
  private shrinkIfSparse(): void {
    const s = this.store;
    if (!(s instanceof BTree) || s.capacity <= 1024 || s.length * 8 >= s.capacity) return;
    this.toTree();
  }

  /** The 0-based rank of `member` in score order, or -1. */
  rank(member: string): number {
    return this.store.rank(member);
  }

  /** How many members score below `score` (or at most `score` when `inclusive`). */
  countScoreBelow(score: number, inclusive: boolean): number {
    return this.store.countScoreBelow(score, inclusive);
  }

  /** How many members sort below `bound` (or at most at it when `inclusive`), by bytes. */
  countLexBelow(bound: LexBound, inclusive: boolean): number {
    return this.store.countLexBelow(bound, inclusive);
  }

  /**
   * Calls `fn` with `count` members and their scores from 0-based rank `from`, upwards or
   * (`reverse`) downwards, stopping at either end.
   */
  walk(from: number, count: number, reverse: boolean, fn: (m: string, s: number) => void): void {
    this.store.walk(from, count, reverse, fn);
  }

  /** Removes the members of 0-based ranks [from, to). */
  deleteRange(from: number, to: number): void {
    if (to <= from) return;
    this.store.deleteRange(from, to);
    this.shrinkIfSparse();
  }

  /**
   * An iterator over the members that sees every member present from its start to its end
   * (ZSCAN on the large form); undefined for the small form, which ZSCAN answers at once.
   */
  scan(): Iterator<string> | undefined {
    return this.store instanceof BTree ? this.store.scan() : undefined;
  }
}
