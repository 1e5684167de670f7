// The large form of a sorted set (Redis's "skiplist" encoding): Pugh's skip list ordered by
// (score, member), with spans for O(log n) ranks, as Redis's t_zset.c keeps it, plus a table
// (StringMap) from member to node for O(1) score lookups.
//
// Nodes are not objects but blocks of Int32Array elements, each laid out as Redis lays out a
// node in one allocation: its score, back link, member and level, then a (forward, span) pair
// per level. A search step then reads the node it stands on and the next node's score, mostly
// a cache line each, as in Redis. (A JS object per node with a level array would cost ~150
// bytes; a block costs 24 bytes for the three nodes in four that have one level. With each field
// in an array of its own, as before, a step took three cache misses: moving a member among 1M
// took 5.4 µs in-process, 4.1 µs now; README, "ZADD".) Level 0's span is implicit: 1 when there
// is a next node, else 0. The header is the block at 0, so 0 also means "none" for links.
//
// The blocks lie in chunks of CHUNK elements that are never moved: more nodes take another
// chunk, not a copy of all of them (a copy stalls the loop, and the copy left behind holds
// memory until V8 collects it). Only the first chunk grows, by doubling, up to CHUNK elements.

import { StringMap } from "./stringmap.ts";

/** Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const P = 0.25;

// Int32 offsets within the block of node x. Blocks start at even offsets, so the score (the
// float64 over elements x and x + 1) is element x / 2 of its chunk's Float64Array view.
/** Level 0's back link. */
const BACK = 2;
/** The node's member: an index into `members`. */
const MEMBER = 3;
/** Level i's forward link lies at x + NEXT + 2i, and its span (i >= 1) right after it. */
const NEXT = 4;
/** The node's number of levels, where level 0's span would be (it is implicit). */
const LEVEL = 5;

/** Elements in a chunk; a node x lies in chunk x >> CHUNK_BITS at element x & CHUNK_MASK. */
const CHUNK_BITS = 14;
const CHUNK = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK - 1;

/** Int32 elements of the block of a node of `level` levels (an even number). */
function blockSize(level: number): number {
  return NEXT + 2 * level;
}

/** Elements a first chunk for `n` nodes takes: the header, and ~6.7 a node (4/3 levels). */
function firstChunkSize(n: number): number {
  return Math.min(CHUNK, blockSize(MAX_LEVEL) + 2 * Math.ceil(n * 3.4));
}

/** Per-search scratch (a single thread runs every command, so one set serves all lists). */
const update = new Int32Array(MAX_LEVEL);
const rankAt = new Float64Array(MAX_LEVEL);

/** Redis's zslRandomLevel: level k with probability P^(k-1)(1-P), capped at MAX_LEVEL. */
function randomLevel(): number {
  let level = 1;
  while (Math.random() < P && level < MAX_LEVEL) level++;
  return level;
}

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

/** A skip list of (member, score) pairs ordered by score, then member bytes. */
export class SkipList {
  /** Member → node. */
  index = new StringMap<number>();
  /** The chunks of node blocks, and the same memory as float64s for the scores. */
  private ints: Int32Array[];
  private floats: Float64Array[];
  /** Members by the index their nodes hold; a freed node's entry is undefined until reused. */
  private members: (string | undefined)[] = [];
  private freeMembers: number[] = [];
  /** The first element no block has used yet, and the end of its chunk. */
  private top: number;
  private end: number;
  /** Freed blocks by node level. */
  private freeBlocks: number[][] = [];
  private level = 1;
  private tail = 0;
  length = 0;

  /** A list with room for `capacity` nodes in its first chunk. */
  constructor(capacity = 16) {
    const first = new Int32Array(firstChunkSize(capacity));
    this.ints = [first];
    this.floats = [new Float64Array(first.buffer)];
    first[LEVEL] = MAX_LEVEL;
    this.top = blockSize(MAX_LEVEL);
    this.end = first.length;
  }

  /** The most nodes the list has held at once (its memory follows this). */
  get capacity(): number {
    return this.members.length;
  }

  /** A copy sharing nothing mutable (COPY). */
  clone(): SkipList {
    const c = new SkipList(0);
    c.ints = this.ints.map((chunk) => chunk.slice());
    c.floats = c.ints.map((chunk) => new Float64Array(chunk.buffer));
    c.members = this.members.slice();
    // Copies, not spreads into push(): a list of a million freed nodes would overflow the stack.
    c.freeMembers = this.freeMembers.slice();
    c.top = this.top;
    c.end = this.end;
    for (let l = 0; l < this.freeBlocks.length; l++) c.freeBlocks[l] = this.freeBlocks[l]?.slice();
    c.level = this.level;
    c.tail = this.tail;
    c.length = this.length;
    c.index = this.index.clone();
    return c;
  }

  /** Element `field` of node x's block. */
  private at(x: number, field: number): number {
    return this.ints[x >> CHUNK_BITS][(x & CHUNK_MASK) + field];
  }

  private put(x: number, field: number, v: number): void {
    this.ints[x >> CHUNK_BITS][(x & CHUNK_MASK) + field] = v;
  }

  private fwd(x: number, i: number): number {
    return this.at(x, NEXT + 2 * i);
  }

  private setFwd(x: number, i: number, to: number): void {
    this.put(x, NEXT + 2 * i, to);
  }

  private span(x: number, i: number): number {
    if (i === 0) return this.at(x, NEXT) === 0 ? 0 : 1;
    return this.at(x, NEXT + 1 + 2 * i);
  }

  /** Sets a span; level 0's follows from its link, so it is not stored. */
  private setSpan(x: number, i: number, span: number): void {
    if (i !== 0) this.put(x, NEXT + 1 + 2 * i, span);
  }

  private scoreOf(x: number): number {
    return this.floats[x >> CHUNK_BITS][(x & CHUNK_MASK) >> 1];
  }

  private setScore(x: number, score: number): void {
    this.floats[x >> CHUNK_BITS][(x & CHUNK_MASK) >> 1] = score;
  }

  private memberOf(x: number): string {
    return this.members[this.at(x, MEMBER)] as string;
  }

  /** A node of `level` levels holding (member, score), its links not set yet. */
  private allocNode(level: number, score: number, member: string): number {
    let x = this.freeBlocks[level]?.pop();
    if (x === undefined) {
      const size = blockSize(level);
      if (this.top + size > this.end) this.makeRoom(size);
      x = this.top;
      this.top += size;
    }
    let m = this.freeMembers.pop();
    if (m === undefined) {
      m = this.members.length;
      this.members.push(member);
    } else {
      this.members[m] = member;
    }
    this.setScore(x, score);
    this.put(x, MEMBER, m);
    this.put(x, LEVEL, level);
    return x;
  }

  private freeNode(x: number): void {
    (this.freeBlocks[this.at(x, LEVEL)] ??= []).push(x);
    const m = this.at(x, MEMBER);
    this.members[m] = undefined;
    this.freeMembers.push(m);
  }

  /**
   * Makes room at `top` for a block of `size` elements: by doubling the first chunk while it is
   * smaller than CHUNK, else in a new chunk (what is left of the last one stays unused).
   */
  private makeRoom(size: number): void {
    const first = this.ints[0];
    if (this.ints.length === 1 && first.length < CHUNK) {
      const grown = new Int32Array(Math.min(CHUNK, Math.max(2 * first.length, this.top + size)));
      grown.set(first);
      this.ints[0] = grown;
      this.floats[0] = new Float64Array(grown.buffer);
      this.end = grown.length;
      if (this.top + size <= this.end) return;
    }
    const chunk = new Int32Array(CHUNK);
    this.top = this.ints.length << CHUNK_BITS;
    this.end = this.top + CHUNK;
    this.ints.push(chunk);
    this.floats.push(new Float64Array(chunk.buffer));
  }

  /** True when node x sorts before (score, member). */
  private before(x: number, score: number, member: string): boolean {
    const s = this.scoreOf(x);
    return s < score || (s === score && this.memberOf(x) < member);
  }

  /** Fills `update` (and `rankAt`) with the last node before (score, member) on each level. */
  private findUpdate(score: number, member: string): void {
    // The hottest loop of a sorted set, written out: node x is element `xe` of chunk `xc`.
    const { ints, floats, members } = this;
    let x = 0;
    let xc = ints[0];
    let xe = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      const link = NEXT + 2 * i;
      for (let f = xc[xe + link]; f !== 0; f = xc[xe + link]) {
        const fc = ints[f >> CHUNK_BITS];
        const fe = f & CHUNK_MASK;
        const s = floats[f >> CHUNK_BITS][fe >> 1];
        if (s > score || (s === score && (members[fc[fe + MEMBER]] as string) >= member)) break;
        rank += i === 0 ? 1 : xc[xe + link + 1];
        x = f;
        xc = fc;
        xe = fe;
      }
      rankAt[i] = rank;
      update[i] = x;
    }
  }

  /** The node holding `member`, or -1. */
  find(member: string): number {
    return this.index.get(member) ?? -1;
  }

  /** The score of node `x` (from `find`). */
  scoreAt(x: number): number {
    return this.scoreOf(x);
  }

  /** Inserts a member that is not present (zslInsert). */
  insert(member: string, score: number): void {
    this.findUpdate(score, member);
    const level = randomLevel();
    const x = this.allocNode(level, score, member);
    this.link(x, level);
    this.index.set(member, x);
  }

  /**
   * Gives `member`, at node x (from `find`), a new score (zslUpdateScore): in place when its
   * neighbours still bracket the new score, else unlinked and linked again at its new position.
   * The node, its level and the member's index entry stay: a ZADD that moves a member pays one
   * index lookup and two searches, no more.
   */
  updateScore(x: number, member: string, score: number): void {
    const back = this.at(x, BACK);
    const next = this.at(x, NEXT);
    if (
      (back === 0 || this.before(back, score, member)) &&
      (next === 0 || !this.before(next, score, member))
    ) {
      this.setScore(x, score);
      return;
    }
    this.findUpdate(this.scoreOf(x), member);
    this.unlink(x);
    this.setScore(x, score);
    this.findUpdate(score, member);
    this.link(x, this.at(x, LEVEL));
  }

  /** Links node x of `level` levels in after the nodes `findUpdate` left in `update`. */
  private link(x: number, level: number): void {
    if (level > this.level) {
      for (let i = this.level; i < level; i++) {
        rankAt[i] = 0;
        update[i] = 0;
        this.setSpan(0, i, this.length);
      }
      this.level = level;
    }
    const r0 = rankAt[0];
    for (let i = 0; i < level; i++) {
      const u = update[i];
      this.setFwd(x, i, this.fwd(u, i));
      this.setFwd(u, i, x);
      this.setSpan(x, i, this.span(u, i) - (r0 - rankAt[i]));
      this.setSpan(u, i, r0 - rankAt[i] + 1);
    }
    for (let i = level; i < this.level; i++) {
      this.setSpan(update[i], i, this.span(update[i], i) + 1);
    }
    this.put(x, BACK, update[0]);
    const next = this.at(x, NEXT);
    if (next !== 0) this.put(next, BACK, x);
    else this.tail = x;
    this.length++;
  }

  /** Unlinks node x given `update` for it (zslDeleteNode's first half); x stays allocated. */
  private unlink(x: number): void {
    for (let i = 0; i < this.level; i++) {
      const u = update[i];
      if (this.fwd(u, i) === x) {
        this.setSpan(u, i, this.span(u, i) + this.span(x, i) - 1);
        this.setFwd(u, i, this.fwd(x, i));
      } else {
        this.setSpan(u, i, this.span(u, i) - 1);
      }
    }
    const next = this.at(x, NEXT);
    if (next !== 0) this.put(next, BACK, this.at(x, BACK));
    else this.tail = this.at(x, BACK);
    while (this.level > 1 && this.fwd(0, this.level - 1) === 0) this.level--;
    this.length--;
  }

  /** Unlinks node x given `update` for it (zslDeleteNode), and frees it. */
  private deleteNode(x: number): void {
    this.unlink(x);
    this.index.delete(this.memberOf(x));
    this.freeNode(x);
  }

  /** Removes `member`; false when it was not there. */
  delete(member: string): boolean {
    const x = this.index.get(member);
    if (x === undefined) return false;
    this.findUpdate(this.scoreOf(x), member);
    this.deleteNode(x);
    return true;
  }

  /** The 0-based rank of `member`, or -1. */
  rank(member: string): number {
    const node = this.index.get(member);
    if (node === undefined) return -1;
    const score = this.scoreOf(node);
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.scoreOf(f);
        if (s > score || (s === score && this.memberOf(f) > member)) break;
        rank += this.span(x, i);
        x = f;
      }
      if (x === node) return rank - 1;
    }
    return -1;
  }

  /** The node at 0-based rank r (0 <= r < length), by spans (zslGetElementByRank). */
  private nodeAt(r: number): number {
    const target = r + 1;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.span(x, i);
        if (traversed + s > target) break;
        traversed += s;
        x = f;
      }
      if (traversed === target) return x;
    }
    return 0;
  }

  /** How many members score below x (below or at x when `inclusive`). */
  countScoreBelow(score: number, inclusive: boolean): number {
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.scoreOf(f);
        if (inclusive ? s > score : s >= score) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    return rank;
  }

  /** How many members sort below `bound` (below or at it when `inclusive`), by bytes. */
  countLexBelow(bound: LexBound, inclusive: boolean): number {
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const c = compareLex(this.memberOf(f), bound);
        if (inclusive ? c > 0 : c >= 0) break;
        rank += this.span(x, i);
        x = f;
      }
    }
    return rank;
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
    if (count <= 0) return;
    let x = from === 0 ? this.fwd(0, 0) : from === this.length - 1 ? this.tail : this.nodeAt(from);
    for (let n = 0; n < count && x !== 0; n++) {
      fn(this.memberOf(x), this.scoreOf(x));
      x = this.at(x, reverse ? BACK : NEXT);
    }
  }

  /** Removes the members of 0-based ranks [from, to) (zslDeleteRangeByRank). */
  deleteRange(from: number, to: number): void {
    const start = from + 1;
    let x = 0;
    let traversed = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.span(x, i);
        if (traversed + s >= start) break;
        traversed += s;
        x = f;
      }
      update[i] = x;
    }
    x = this.fwd(x, 0);
    for (let r = from; r < to && x !== 0; r++) {
      const next = this.fwd(x, 0);
      this.deleteNode(x);
      x = next;
    }
  }

  /** Every member, walked through the index: sees every member present from start to end. */
  scan(): Iterator<string> {
    return this.index.keys();
  }
}
