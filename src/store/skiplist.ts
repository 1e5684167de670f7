// The large form of a sorted set (Redis's "skiplist" encoding): Pugh's skip list ordered by
// (score, member), with spans for O(log n) ranks, as Redis's t_zset.c keeps it, plus a table
// (StringMap) from member to node for O(1) score lookups.
//
// Nodes are not objects but indexes into parallel typed arrays: a JS object per node with a
// level array would cost ~150 bytes, these arrays ~35 bytes per node. Level 0 is stored apart
// (next0 and an implicit span: 1 when there is a next node, else 0); levels 1 and up live as
// (forward, span) pairs in one pool, in blocks reused by level through free lists. Node 0 is
// the header, so index 0 also means "none" for forward and backward links.

import { StringMap } from "./stringmap.ts";

/** Redis's ZSKIPLIST_MAXLEVEL and ZSKIPLIST_P. */
const MAX_LEVEL = 32;
const P = 0.25;

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
  /** Member → node index. */
  index = new StringMap<number>();
  private scores: Float64Array;
  private members: (string | undefined)[] = [];
  private back: Int32Array;
  private next0: Int32Array;
  private levels: Uint8Array;
  /** Offset in `pool` of a node's levels 1.. (its level > 1 only). */
  private upper: Int32Array;
  private pool: Int32Array;
  private poolTop = 0;
  /** Free pool blocks by node level. */
  private readonly freeBlocks: number[][] = [];
  private freeNodes: number[] = [];
  /** Node slots used so far (including freed ones and the header). */
  private top = 1;
  private level = 1;
  private tail = 0;
  length = 0;

  constructor(capacity = 16) {
    capacity = Math.max(capacity + 1, 2);
    this.scores = new Float64Array(capacity);
    this.back = new Int32Array(capacity);
    this.next0 = new Int32Array(capacity);
    this.levels = new Uint8Array(capacity);
    this.upper = new Int32Array(capacity);
    this.pool = new Int32Array(Math.max(2 * MAX_LEVEL, capacity));
    this.members.push(undefined);
    this.levels[0] = MAX_LEVEL;
    this.upper[0] = this.allocBlock(MAX_LEVEL);
    for (let i = 1; i < MAX_LEVEL; i++) this.setFwd(0, i, 0), this.setSpan(0, i, 0);
  }

  /** Node slots the arrays hold now. */
  get capacity(): number {
    return this.scores.length;
  }

  /** A copy sharing nothing mutable (COPY). */
  clone(): SkipList {
    const c = new SkipList(0);
    c.scores = this.scores.slice();
    c.members = this.members.slice();
    c.back = this.back.slice();
    c.next0 = this.next0.slice();
    c.levels = this.levels.slice();
    c.upper = this.upper.slice();
    c.pool = this.pool.slice();
    c.poolTop = this.poolTop;
    for (let l = 0; l < this.freeBlocks.length; l++) c.freeBlocks[l] = this.freeBlocks[l]?.slice();
    // A copy, not a spread into push(): a list of a million freed nodes would overflow the stack.
    c.freeNodes = this.freeNodes.slice();
    c.top = this.top;
    c.level = this.level;
    c.tail = this.tail;
    c.length = this.length;
    c.index = this.index.clone();
    return c;
  }

  private fwd(x: number, i: number): number {
    return i === 0 ? this.next0[x] : this.pool[this.upper[x] + 2 * i - 2];
  }

  private setFwd(x: number, i: number, to: number): void {
    if (i === 0) this.next0[x] = to;
    else this.pool[this.upper[x] + 2 * i - 2] = to;
  }

  private span(x: number, i: number): number {
    if (i === 0) return this.next0[x] === 0 ? 0 : 1;
    return this.pool[this.upper[x] + 2 * i - 1];
  }

  /** Sets a span; level 0's follows from its link, so it is not stored. */
  private setSpan(x: number, i: number, span: number): void {
    if (i !== 0) this.pool[this.upper[x] + 2 * i - 1] = span;
  }

  /** A pool block for the levels above 0 of a node of `level` levels. */
  private allocBlock(level: number): number {
    const free = this.freeBlocks[level];
    if (free !== undefined && free.length > 0) return free.pop()!;
    const size = 2 * (level - 1);
    if (this.poolTop + size > this.pool.length) {
      const grown = new Int32Array(Math.max(this.pool.length * 2, this.poolTop + size));
      grown.set(this.pool);
      this.pool = grown;
    }
    const at = this.poolTop;
    this.poolTop += size;
    return at;
  }

  private allocNode(level: number, score: number, member: string): number {
    let x = this.freeNodes.pop();
    if (x === undefined) {
      x = this.top++;
      if (x === this.scores.length) this.grow();
      this.members.push(member);
    } else {
      this.members[x] = member;
    }
    this.scores[x] = score;
    this.levels[x] = level;
    if (level > 1) this.upper[x] = this.allocBlock(level);
    return x;
  }

  private freeNode(x: number): void {
    const level = this.levels[x];
    if (level > 1) (this.freeBlocks[level] ??= []).push(this.upper[x]);
    this.members[x] = undefined;
    this.freeNodes.push(x);
  }

  private grow(): void {
    const n = this.scores.length * 2;
    const widen = <T extends Float64Array | Int32Array | Uint8Array>(a: T, b: T): T => {
      b.set(a);
      return b;
    };
    this.scores = widen(this.scores, new Float64Array(n));
    this.back = widen(this.back, new Int32Array(n));
    this.next0 = widen(this.next0, new Int32Array(n));
    this.levels = widen(this.levels, new Uint8Array(n));
    this.upper = widen(this.upper, new Int32Array(n));
  }

  /** True when node x sorts before (score, member). */
  private before(x: number, score: number, member: string): boolean {
    const s = this.scores[x];
    return s < score || (s === score && (this.members[x] as string) < member);
  }

  /** Fills `update` (and `rankAt`) with the last node before (score, member) on each level. */
  private findUpdate(score: number, member: string): void {
    let x = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      rankAt[i] = i === this.level - 1 ? 0 : rankAt[i + 1];
      for (let f = this.fwd(x, i); f !== 0 && this.before(f, score, member); f = this.fwd(x, i)) {
        rankAt[i] += this.span(x, i);
        x = f;
      }
      update[i] = x;
    }
  }

  /** The score of `member`, if present. */
  score(member: string): number | undefined {
    const x = this.index.get(member);
    return x === undefined ? undefined : this.scores[x];
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
   * Gives present `member` a new score (zslUpdateScore): in place when its neighbours still
   * bracket the new score, else unlinked and linked again at its new position. The node, its
   * level and the member's index entry stay: a ZADD that moves a member pays two searches, no more.
   */
  updateScore(member: string, score: number): void {
    const x = this.index.get(member)!;
    const back = this.back[x];
    const next = this.next0[x];
    if (
      (back === 0 || this.before(back, score, member)) &&
      (next === 0 || !this.before(next, score, member))
    ) {
      this.scores[x] = score;
      return;
    }
    this.findUpdate(this.scores[x], member);
    this.unlink(x);
    this.scores[x] = score;
    this.findUpdate(score, member);
    this.link(x, this.levels[x]);
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
    this.back[x] = update[0];
    const next = this.next0[x];
    if (next !== 0) this.back[next] = x;
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
    const next = this.next0[x];
    if (next !== 0) this.back[next] = this.back[x];
    else this.tail = this.back[x];
    while (this.level > 1 && this.fwd(0, this.level - 1) === 0) this.level--;
    this.length--;
  }

  /** Unlinks node x given `update` for it (zslDeleteNode), and frees it. */
  private deleteNode(x: number): void {
    this.unlink(x);
    this.index.delete(this.members[x] as string);
    this.freeNode(x);
  }

  /** Removes `member`; false when it was not there. */
  delete(member: string): boolean {
    const x = this.index.get(member);
    if (x === undefined) return false;
    this.findUpdate(this.scores[x], member);
    this.deleteNode(x);
    return true;
  }

  /** The 0-based rank of `member`, or -1. */
  rank(member: string): number {
    const node = this.index.get(member);
    if (node === undefined) return -1;
    const score = this.scores[node];
    let x = 0;
    let rank = 0;
    for (let i = this.level - 1; i >= 0; i--) {
      for (let f = this.fwd(x, i); f !== 0; f = this.fwd(x, i)) {
        const s = this.scores[f];
        if (s > score || (s === score && (this.members[f] as string) > member)) break;
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
        const s = this.scores[f];
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
        const c = compareLex(this.members[f] as string, bound);
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
    let x = from === 0 ? this.next0[0] : from === this.length - 1 ? this.tail : this.nodeAt(from);
    for (let n = 0; n < count && x !== 0; n++) {
      fn(this.members[x] as string, this.scores[x]);
      x = reverse ? this.back[x] : this.next0[x];
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
    x = this.next0[x];
    for (let r = from; r < to && x !== 0; r++) {
      const next = this.next0[x];
      this.deleteNode(x);
      x = next;
    }
  }

  /** Every member, walked through the index: sees every member present from start to end. */
  scan(): Iterator<string> {
    return this.index.keys();
  }
}
