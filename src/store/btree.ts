// The large form of a sorted set (Redis's "skiplist" encoding, which is what OBJECT ENCODING
// reports): a B+tree of (score, member) pairs ordered by score, then member bytes, whose inner
// nodes count the members under each child, so that ranks are found in O(log n), plus a table
// (StringMap) from member to score.
//
// Why not Redis's skip list: a search step of a skip list is a dependent read of a node that
// lies anywhere in memory, ~30 of them per search among 100K members. In the server, between two
// requests the runtime's and the kernel's work evicts the list from cache, and each step cost
// ~100 ns (`perf` under unpipelined ZADD: the two searches of a move were 24% of the samples).
// Here a search visits ~4 nodes of up to 64 entries, whose scores lie side by side (14% of the
// samples; README, "ZADD").
//
// A leaf holds up to MAX entries in two arrays (scores, members) and links to its neighbours for
// walks. An inner node holds up to MAX children, the number of members under each, and for
// each child but the first the smallest key it had when it was made (every key under child i is
// at least that separator, every key under child i - 1 below it). A node that fills up is split
// in two; a node that falls below a quarter is merged into a neighbour when they fit in one, and
// an empty node is removed, so the tree shrinks as it empties.

import { StringMap } from "./stringmap.ts";

/** Entries in a leaf, children of an inner node, at most (a node holds one more while split). */
const MAX = 64;
const HALF = MAX >> 1;
/** A node with fewer entries (or children) is merged into a neighbour when both fit in one. */
const LOW = MAX >> 2;

/** A lexicographic range end: a byte string, or the "-" (lowest) / "+" (highest) infinities. */
export interface LexBound {
  /** -1 for "-", 1 for "+", 0 for a string. */
  readonly inf: -1 | 0 | 1;
  readonly value: string;
}

/** Compares a member with a lex bound: negative, zero or positive as memcmp would. */
export function compareLex(member: string, bound: LexBound): number {
  if (bound.inf !== 0) return -bound.inf;
  return member < bound.value ? -1 : member > bound.value ? 1 : 0;
}

/** True when (s1, m1) sorts before (s2, m2). */
function before(s1: number, m1: string, s2: number, m2: string): boolean {
  return s1 < s2 || (s1 === s2 && m1 < m2);
}

/**
 * The first of the `n` entries of two parallel sorted arrays (a leaf's, or a small sorted set's)
 * that is not before (score, member): where it is, or would be inserted.
 */
export function firstNotBefore(
  scores: readonly number[],
  members: readonly string[],
  n: number,
  score: number,
  member: string,
): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(scores[mid], members[mid], score, member)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Up to MAX (+ 1 while split) entries in arrays of that fixed size; slots past `n` are unused. */
class Leaf {
  n = 0;
  // NaN makes V8 keep the scores unboxed (double elements) from the start.
  scores: number[] = new Array<number>(MAX + 1).fill(NaN);
  members: string[] = new Array<string>(MAX + 1).fill("");
  prev: Leaf | null = null;
  next: Leaf | null = null;

  /** Inserts (score, member) as entry `at`. */
  insert(at: number, score: number, member: string): void {
    const ss = this.scores;
    const ms = this.members;
    for (let j = this.n; j > at; j--) {
      ss[j] = ss[j - 1];
      ms[j] = ms[j - 1];
    }
    ss[at] = score;
    ms[at] = member;
    this.n++;
  }

  /** Removes entry `at`. */
  remove(at: number): void {
    const ss = this.scores;
    const ms = this.members;
    const n = --this.n;
    for (let j = at; j < n; j++) {
      ss[j] = ss[j + 1];
      ms[j] = ms[j + 1];
    }
    // The unused slot lets go of its member string.
    ms[n] = "";
  }

  /** Moves entries from `from` on to the end of leaf `to`. */
  moveTo(to: Leaf, from: number): void {
    for (let j = from; j < this.n; j++) {
      to.scores[to.n] = this.scores[j];
      to.members[to.n++] = this.members[j];
      this.members[j] = "";
    }
    this.n = from;
  }
}

class Inner {
  /** Number of children. */
  n = 0;
  children: Node[] = [];
  /** Members under each child. */
  counts: number[] = [];
  /** Separator of child i (i >= 1): its smallest key when it was made; element 0 is unused. */
  sepScores: number[] = [0];
  sepMembers: string[] = [""];
}

type Node = Leaf | Inner;

/** The inner nodes of the last descent, and the child taken in each (one tree at a time). */
const pathNodes: Inner[] = [];
const pathAt: number[] = [];

/** The child of `x` under which (score, member) is or would go: the last whose separator is not
 * after it. */
function childFor(x: Inner, score: number, member: string): number {
  const ss = x.sepScores;
  const sm = x.sepMembers;
  let lo = 1;
  let hi = x.n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (before(score, member, ss[mid], sm[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo - 1;
}

/**
 * For child i of `x`, left small: the neighbour pair it can merge into one node with, as the
 * index j of the pair's right child (the right neighbour's, i + 1, tried first; or i, with the
 * left one), or -1 when neither fits beside it.
 */
function mergePartner(x: Inner, i: number): number {
  const n = x.children[i].n;
  if (i + 1 < x.n && n + x.children[i + 1].n <= MAX) return i + 1;
  if (i > 0 && x.children[i - 1].n + n <= MAX) return i;
  return -1;
}

/** Removes element i of `a` (of `n` used), moving the rest down. */
function removeAt<T>(a: T[], n: number, i: number): void {
  for (let j = i; j < n - 1; j++) a[j] = a[j + 1];
  a.length = n - 1;
}

/** Inserts `v` at element i of `a` (of `n` used), moving the rest up. */
function insertAt<T>(a: T[], n: number, i: number, v: T): void {
  for (let j = n; j > i; j--) a[j] = a[j - 1];
  a[i] = v;
}

/** A sorted set's members in score order, then by member bytes. */
export class BTree {
  /** Member → score. */
  index = new StringMap<number>();
  private root: Node = new Leaf();
  private head: Leaf;
  private tail: Leaf;
  private depth = 0;
  length = 0;
  /** The most members held at once since the tree was made. */
  capacity = 0;

  constructor() {
    this.head = this.tail = this.root as Leaf;
  }

  /** A copy sharing nothing mutable (COPY). */
  clone(): BTree {
    const c = new BTree();
    c.index = this.index.clone();
    c.length = this.length;
    c.capacity = this.capacity;
    c.depth = this.depth;
    let last: Leaf | null = null;
    const copy = (node: Node): Node => {
      if (node instanceof Leaf) {
        const l = new Leaf();
        l.n = node.n;
        l.scores = node.scores.slice();
        l.members = node.members.slice();
        l.prev = last;
        if (last) last.next = l;
        else c.head = l;
        last = l;
        return l;
      }
      const x = new Inner();
      x.n = node.n;
      x.counts = node.counts.slice();
      x.sepScores = node.sepScores.slice();
      x.sepMembers = node.sepMembers.slice();
      x.children = node.children.map(copy);
      return x;
    };
    c.root = copy(this.root);
    c.tail = last!;
    return c;
  }

  /** The score of `member`, if present. */
  score(member: string): number | undefined {
    return this.index.get(member);
  }

  /**
   * Goes down to the leaf where (score, member) is or would go, adding `delta` to the counts on
   * the way (1 for an insert, else 0: `remove` takes its entry off the counts itself) and
   * recording the path.
   */
  private descend(score: number, member: string, delta: number): Leaf {
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const x = node as Inner;
      const i = childFor(x, score, member);
      x.counts[i] += delta;
      pathNodes[d] = x;
      pathAt[d] = i;
      node = x.children[i];
    }
    return node as Leaf;
  }

  /** Inserts a member that is not present. */
  insert(member: string, score: number): void {
    this.add(member, score);
    this.index.set(member, score);
    if (this.length > this.capacity) this.capacity = this.length;
  }

  /** Adds (score, member) to the tree alone. */
  private add(member: string, score: number): void {
    const leaf = this.descend(score, member, 1);
    const at = firstNotBefore(leaf.scores, leaf.members, leaf.n, score, member);
    leaf.insert(at, score, member);
    this.length++;
    if (leaf.n > MAX) this.split(leaf, at === MAX && leaf.next === null);
  }

  /**
   * Splits an overfull leaf, then each overfull inner node above it: in halves, or, when the
   * entry that overfilled the tree's last leaf went at its end (`appended`, as when members come
   * in score order), leaving the full nodes full, so that a set loaded in order is not left half
   * empty.
   */
  private split(leaf: Leaf, appended: boolean): void {
    const at = appended ? MAX : HALF;
    const right = new Leaf();
    leaf.moveTo(right, at);
    right.prev = leaf;
    right.next = leaf.next;
    if (leaf.next) leaf.next.prev = right;
    else this.tail = right;
    leaf.next = right;
    let made: Node = right;
    let sepScore = right.scores[0];
    let sepMember = right.members[0];
    let leftCount = leaf.n;
    let rightCount = right.n;
    for (let d = this.depth - 1; d >= 0; d--) {
      const x = pathNodes[d];
      const i = pathAt[d];
      x.counts[i] = leftCount;
      insertAt(x.children, x.n, i + 1, made);
      insertAt(x.counts, x.n, i + 1, rightCount);
      insertAt(x.sepScores, x.n, i + 1, sepScore);
      insertAt(x.sepMembers, x.n, i + 1, sepMember);
      x.n++;
      if (x.n <= MAX) return;
      // Split x: its children from `at` on move to a new node, whose separator goes up.
      const y = new Inner();
      y.n = x.n - at;
      y.children = x.children.slice(at);
      y.counts = x.counts.slice(at);
      y.sepScores = x.sepScores.slice(at);
      y.sepMembers = x.sepMembers.slice(at);
      sepScore = y.sepScores[0];
      sepMember = y.sepMembers[0];
      x.children.length =
        x.counts.length =
        x.sepScores.length =
        x.sepMembers.length =
          at;
      x.n = at;
      made = y;
      leftCount = 0;
      for (let j = 0; j < x.n; j++) leftCount += x.counts[j];
      rightCount = 0;
      for (let j = 0; j < y.n; j++) rightCount += y.counts[j];
    }
    // The root itself split: a new root above the two halves.
    const root = new Inner();
    root.n = 2;
    root.children = [this.root, made];
    root.counts = [leftCount, rightCount];
    root.sepScores = [0, sepScore];
    root.sepMembers = ["", sepMember];
    this.root = root;
    this.depth++;
  }

  /** Gives present `member` the score `to` (it has `from`), moving it to its new place. */
  updateScore(member: string, from: number, to: number): void {
    const leaf = this.descend(from, member, 0);
    const at = firstNotBefore(leaf.scores, leaf.members, leaf.n, from, member);
    // In place when its neighbours in the leaf still bracket the new score.
    if (
      (at > 0 && before(leaf.scores[at - 1], leaf.members[at - 1], to, member)) &&
      (at < leaf.n - 1 && before(to, member, leaf.scores[at + 1], leaf.members[at + 1]))
    ) {
      leaf.scores[at] = to;
    } else {
      this.remove(leaf, at);
      this.add(member, to);
    }
    this.index.set(member, to);
  }

  /** Removes `member`; false when it was not there. */
  delete(member: string): boolean {
    const score = this.index.get(member);
    if (score === undefined) return false;
    const leaf = this.descend(score, member, 0);
    this.remove(leaf, firstNotBefore(leaf.scores, leaf.members, leaf.n, score, member));
    this.index.delete(member);
    return true;
  }

  /**
   * Removes entry `at` of `leaf`, reached by the last descent (whose counts still include it),
   * then merges or removes the nodes it left too small.
   */
  private remove(leaf: Leaf, at: number): void {
    for (let d = 0; d < this.depth; d++) pathNodes[d].counts[pathAt[d]]--;
    leaf.remove(at);
    this.length--;
    if (this.depth === 0 || leaf.n >= LOW) return;
    const parent = pathNodes[this.depth - 1];
    const i = pathAt[this.depth - 1];
    if (leaf.n > 0) {
      // Merge with a neighbour under the same parent when both fit in one leaf.
      const j = mergePartner(parent, i);
      if (j !== -1) {
        this.mergeLeaves(parent.children[j - 1] as Leaf, parent.children[j] as Leaf, parent, j - 1);
      }
      return;
    }
    this.unlinkLeaf(leaf);
    this.removeChild(this.depth - 1);
  }

  /** Moves all of leaf `b` (child i + 1 of `parent`) into leaf `a` (child i), and drops `b`. */
  private mergeLeaves(a: Leaf, b: Leaf, parent: Inner, i: number): void {
    b.moveTo(a, 0);
    this.unlinkLeaf(b);
    parent.counts[i] += parent.counts[i + 1];
    pathAt[this.depth - 1] = i + 1;
    this.removeChild(this.depth - 1);
  }

  private unlinkLeaf(l: Leaf): void {
    if (l.prev) l.prev.next = l.next;
    else if (l.next) this.head = l.next;
    if (l.next) l.next.prev = l.prev;
    else if (l.prev) this.tail = l.prev;
  }

  /**
   * Drops child pathAt[d] of pathNodes[d] (empty, or merged into its neighbour); an inner node
   * left without children goes too, one left small merges with a neighbour when both fit in one,
   * and a root left with one child gives way to it.
   */
  private removeChild(d: number): void {
    for (; d >= 0; d--) {
      const x = pathNodes[d];
      const i = pathAt[d];
      removeAt(x.children, x.n, i);
      removeAt(x.counts, x.n, i);
      // For the first child this drops the unused element 0, and the second child's separator
      // becomes it: the new first child needs none.
      removeAt(x.sepScores, x.n, i);
      removeAt(x.sepMembers, x.n, i);
      x.n--;
      if (x.n > 0 && (x.n >= LOW || d === 0 || !this.mergeInner(d))) break;
    }
    if ((this.root as Inner).n === 0) {
      // The last member went.
      this.root = this.head = this.tail = new Leaf();
      this.depth = 0;
    }
    while (this.depth > 0 && (this.root as Inner).n === 1) {
      this.root = (this.root as Inner).children[0];
      this.depth--;
    }
  }

  /**
   * Merges inner node pathNodes[d] with its right or left neighbour under pathNodes[d - 1], when
   * both fit in one, and points pathAt[d - 1] at the one emptied (for `removeChild` to drop);
   * false when neither fits.
   */
  private mergeInner(d: number): boolean {
    const parent = pathNodes[d - 1];
    // Child j (of the parent) goes into child j - 1.
    const j = mergePartner(parent, pathAt[d - 1]);
    if (j === -1) return false;
    const a = parent.children[j - 1] as Inner;
    const b = parent.children[j] as Inner;
    for (let k = 0; k < b.n; k++) {
      a.children[a.n + k] = b.children[k];
      a.counts[a.n + k] = b.counts[k];
      // b's first child has no separator of its own: b's, in the parent, bounds it from below.
      a.sepScores[a.n + k] = k === 0 ? parent.sepScores[j] : b.sepScores[k];
      a.sepMembers[a.n + k] = k === 0 ? parent.sepMembers[j] : b.sepMembers[k];
    }
    a.n += b.n;
    parent.counts[j - 1] += parent.counts[j];
    pathAt[d - 1] = j;
    return true;
  }

  /** The 0-based rank of `member`, or -1. */
  rank(member: string): number {
    const score = this.index.get(member);
    if (score === undefined) return -1;
    const l = this.descend(score, member, 0);
    let rank = firstNotBefore(l.scores, l.members, l.n, score, member);
    for (let d = 0; d < this.depth; d++) {
      for (let j = 0; j < pathAt[d]; j++) rank += pathNodes[d].counts[j];
    }
    return rank;
  }

  /**
   * The leaf holding 0-based rank r (0 <= r < length), and r's position in it; records the path
   * as `descend` does.
   */
  private leafAt(r: number): [Leaf, number] {
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const x = node as Inner;
      let i = 0;
      while (i < x.n - 1 && r >= x.counts[i]) r -= x.counts[i++];
      pathNodes[d] = x;
      pathAt[d] = i;
      node = x.children[i];
    }
    return [node as Leaf, r];
  }

  /**
   * How many members sort below the place where `goesAfter` turns false, given that it is true
   * for a prefix of the order (a score or lex bound).
   */
  private countWhile(goesAfter: (score: number, member: string) => boolean): number {
    let rank = 0;
    let node = this.root;
    for (let d = 0; d < this.depth; d++) {
      const x = node as Inner;
      let i = 1;
      while (i < x.n && goesAfter(x.sepScores[i], x.sepMembers[i])) i++;
      i--;
      for (let j = 0; j < i; j++) rank += x.counts[j];
      node = x.children[i];
    }
    const l = node as Leaf;
    let at = 0;
    while (at < l.n && goesAfter(l.scores[at], l.members[at])) at++;
    return rank + at;
  }

  /** How many members score below `score` (below or at it when `inclusive`). */
  countScoreBelow(score: number, inclusive: boolean): number {
    return this.countWhile(inclusive ? (s) => s <= score : (s) => s < score);
  }

  /** How many members sort below `bound` (below or at it when `inclusive`), by bytes. */
  countLexBelow(bound: LexBound, inclusive: boolean): number {
    return this.countWhile(
      inclusive ? (_, m) => compareLex(m, bound) <= 0 : (_, m) => compareLex(m, bound) < 0,
    );
  }

  /**
   * Calls `fn` for `count` members from 0-based rank `from`, going up the ranks, or down them
   * when `reverse`; the caller keeps the walk within the list.
   */
  walk(
    from: number,
    count: number,
    reverse: boolean,
    fn: (member: string, score: number) => void,
  ): void {
    if (count <= 0 || from < 0 || from >= this.length) return;
    let [l, at] = this.leafAt(from);
    for (let n = 0; n < count; n++) {
      fn(l.members[at], l.scores[at]);
      if (reverse) {
        if (--at < 0) {
          if (l.prev === null) return;
          l = l.prev;
          at = l.n - 1;
        }
      } else if (++at >= l.n) {
        if (l.next === null) return;
        l = l.next;
        at = 0;
      }
    }
  }

  /** Removes the members of 0-based ranks [from, to). */
  deleteRange(from: number, to: number): void {
    for (let r = from; r < to && from < this.length; r++) {
      const [l, at] = this.leafAt(from);
      this.index.delete(l.members[at]);
      this.remove(l, at);
    }
  }

  /** Every member, walked through the index: sees every member present from start to end. */
  scan(): Iterator<string> {
    return this.index.keys();
  }
}
