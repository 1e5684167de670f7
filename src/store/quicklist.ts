// The store behind lists: as Redis's quicklist, a sequence of nodes of at most NODE_BYTES
// (8 KB, Redis's list-max-listpack-size -2) each, every node a Deque of packed byte strings.
//
// Why not one Deque for the whole list: a list that grows has to be moved into a larger array
// now and then, and at a million 16-byte elements that is a copy of ~20 MB, a stall of the
// event loop, and the old arrays, freed by the allocator, stayed in the process (malloc_trim
// released 20 MB after a 1M-element list was loaded). On a warm server a second and a third 1M
// list took 45.8 and 22.8 bytes an element of RSS at rest in one array, 18.2 and 20.7 in nodes
// (Redis: 18.5). Pushes and pops at the ends touch one node, and a node emptied by pops is
// dropped whole. A new end node starts at 1 KB and doubles as it fills; once full it gives up
// its free room, so the nodes between the ends hold their elements exactly (2,000 lists of 600
// 16-byte elements: 21.4 bytes an element at rest; with end nodes made at their full 8 KB, 35.9).
//
// Node rules: a node holding more than one element takes at most NODE_BYTES bytes and
// NODE_SLOTS - 1 elements (a larger element gets a node of its own); only a list's single node
// may be empty. Element i is found by walking the nodes' lengths from the nearer end, as Redis
// does, or from the node the last lookup stopped at, so that a loop over i (LRANGE, LPOS, LREM's
// scan) costs O(1) a step.
import { type BulkWriter, Deque, NODE_BYTES, NODE_SLOTS } from "./deque.ts";

/**
 * The node rule: a node may hold `elements` elements of `bytes` bytes in all when it has at most
 * one element, or keeps to NODE_BYTES and NODE_SLOTS - 1 elements.
 */
function fits(elements: number, bytes: number): boolean {
  return elements <= 1 || (bytes <= NODE_BYTES && elements < NODE_SLOTS);
}

/** A list of byte strings (one char per byte) in nodes of a few KB. */
export class QuickList {
  private nodes: Deque[] = [new Deque()];
  private count = 0;
  /** Where the last `locate` ended: a node's index and the list index of its first element. */
  private cacheNode = -1;
  private cacheFirst = 0;
  /** Set by `locate`: the index of the element within the node it returns. */
  private within = 0;

  /** Number of elements. */
  get length(): number {
    return this.count;
  }

  /** Number of nodes (Redis's ql_nodes). */
  get nodeCount(): number {
    return this.nodes.length;
  }

  /** Bytes the elements take (without the free room). */
  get bytes(): number {
    let n = 0;
    for (const node of this.nodes) n += node.bytes;
    return n;
  }

  /** Appends byte string `s` at the back. */
  pushBack(s: string): void {
    this.tailFor(s.length).pushBack(s);
    this.count++;
  }

  /** Prepends byte string `s` at the front. */
  pushFront(s: string): void {
    this.headFor(s.length).pushFront(s);
    this.count++;
    this.cacheNode = -1;
  }

  /** Appends bytes [s, e) of `src` at the back, without making a string of them. */
  pushBackBytes(src: Uint8Array, s: number, e: number): void {
    this.tailFor(e - s).pushBackBytes(src, s, e);
    this.count++;
  }

  /** Prepends bytes [s, e) of `src` at the front, without making a string of them. */
  pushFrontBytes(src: Uint8Array, s: number, e: number): void {
    this.headFor(e - s).pushFrontBytes(src, s, e);
    this.count++;
    this.cacheNode = -1;
  }

  /** Removes and returns the first element, or undefined when empty. */
  popFront(): string | undefined {
    if (this.count === 0) return undefined;
    const s = this.nodes[0].popFront();
    this.removedAtEnd(true);
    return s;
  }

  /** Removes and returns the last element, or undefined when empty. */
  popBack(): string | undefined {
    if (this.count === 0) return undefined;
    const s = this.nodes[this.nodes.length - 1].popBack();
    this.removedAtEnd(false);
    return s;
  }

  /**
   * Writes the first (or last) element as a bulk string reply, straight from the packed bytes,
   * and removes it; false when the list is empty.
   */
  popInto(front: boolean, out: BulkWriter): boolean {
    if (this.count === 0) return false;
    const node = this.nodes[front ? 0 : this.nodes.length - 1];
    const n = node.length;
    node.writeBulk(front ? 0 : n - 1, out);
    node.trim(front ? 1 : 0, front ? n : n - 1);
    this.removedAtEnd(front);
    return true;
  }

  /** Counts an element removed from the front (or back) node, dropping that node if emptied. */
  private removedAtEnd(front: boolean): void {
    const nodes = this.nodes;
    this.count--;
    this.cacheNode = -1;
    if (nodes.length > 1 && nodes[front ? 0 : nodes.length - 1].length === 0) {
      if (front) nodes.shift();
      else nodes.pop();
    }
  }

  /** Element i (0 ≤ i < length). */
  at(i: number): string {
    return this.locate(i).at(this.within);
  }

  /** Writes element i as a bulk string reply, straight from the packed bytes. */
  writeBulk(i: number, out: BulkWriter): void {
    this.locate(i).writeBulk(this.within, out);
  }

  /**
   * `writeBulk` of the elements [start, end) (0 ≤ start < end ≤ length), in order, or last to
   * first when `reversed`: one walk to the first node, then node by node (LRANGE, LPOP count).
   */
  writeRange(start: number, end: number, reversed: boolean, out: BulkWriter): void {
    const nodes = this.nodes;
    let node = this.locate(reversed ? end - 1 : start);
    let k = this.cacheNode;
    let j = this.within;
    for (let left = end - start;;) {
      // This node's part: from j on (or up to j, reversed), at most `left` elements.
      const n = Math.min(left, reversed ? j + 1 : node.length - j);
      if (reversed) node.writeRange(j + 1 - n, j + 1, true, out);
      else node.writeRange(j, j + n, false, out);
      left -= n;
      if (left === 0) return;
      node = nodes[reversed ? --k : ++k];
      j = reversed ? node.length - 1 : 0;
    }
  }

  /** Length in bytes of element i. */
  sizeAt(i: number): number {
    return this.locate(i).sizeAt(this.within);
  }

  /** True when element i equals byte string `s`, compared in place. */
  equals(i: number, s: string): boolean {
    return this.locate(i).equals(this.within, s);
  }

  /** Replaces element i with `s`. */
  set(i: number, s: string): void {
    const node = this.locate(i);
    const k = this.cacheNode;
    const j = this.within;
    this.cacheNode = -1;
    if (s.length > NODE_BYTES && node.length > 1) {
      // A large element takes a node of its own, between the parts of its old node.
      this.isolate(k, j).set(0, s);
      return;
    }
    node.set(j, s);
    this.fit(k);
  }

  /** Inserts `s` so that it becomes element i (0 ≤ i ≤ length). */
  insert(i: number, s: string): void {
    if (i === 0) return this.pushFront(s);
    if (i === this.count) return this.pushBack(s);
    const node = this.locate(i);
    const k = this.cacheNode;
    const j = this.within;
    this.cacheNode = -1;
    this.count++;
    if (s.length > NODE_BYTES) {
      const own = new Deque(s.length, 2, -1);
      own.pushBack(s);
      this.nodes.splice(j === 0 ? k : k + 1, 0, own);
      if (j !== 0) this.nodes.splice(k + 2, 0, node.splitOff(j));
      return;
    }
    node.insert(j, s);
    this.fit(k);
  }

  /** Keeps only the elements [start, end) (0 ≤ start ≤ end ≤ length). */
  trim(start: number, end: number): void {
    if (start === end) {
      this.nodes = [new Deque()];
      this.count = 0;
      this.cacheNode = -1;
      return;
    }
    if (start === 0 && end === this.count) return;
    const last = this.locate(end - 1);
    const lastNode = this.cacheNode;
    const lastEnd = this.within + 1;
    const first = this.locate(start);
    const firstNode = this.cacheNode;
    if (first === last) first.trim(this.within, lastEnd);
    else {
      last.trim(0, lastEnd);
      first.trim(this.within, first.length);
    }
    this.nodes = this.nodes.slice(firstNode, lastNode + 1);
    this.count = end - start;
    this.cacheNode = -1;
  }

  /**
   * Removes up to `limit` elements equal to `s` (0: all), scanning from the back when
   * `fromBack`; returns how many went. Nodes left small merge with their neighbours.
   */
  removeEqual(s: string, limit: number, fromBack: boolean): number {
    const nodes = this.nodes;
    let found = 0;
    for (let j = 0; j < nodes.length && (limit === 0 || found < limit); j++) {
      const node = nodes[fromBack ? nodes.length - 1 - j : j];
      found += node.removeEqual(s, limit === 0 ? 0 : limit - found, fromBack);
    }
    if (found === 0) return 0;
    this.count -= found;
    this.cacheNode = -1;
    this.compact();
    return found;
  }

  /** A deep copy. */
  clone(): QuickList {
    return this.copyTo(new QuickList());
  }

  /** Makes the empty list `c` a copy of this one; returns it. */
  protected copyTo<T extends QuickList>(c: T): T {
    c.nodes = this.nodes.map((node) => node.clone());
    c.count = this.count;
    return c;
  }

  /** Every element, front to back. */
  *[Symbol.iterator](): IterableIterator<string> {
    for (const node of this.nodes) yield* node;
  }

  /**
   * The node to push `n` bytes onto at the back: the last, or a new one when that is full (the
   * full one gives up its free room).
   */
  private tailFor(n: number): Deque {
    const nodes = this.nodes;
    const tail = nodes[nodes.length - 1];
    if (!this.full(tail, n)) return tail;
    tail.shrinkToFit();
    const node = this.newNode(n, -1);
    nodes.push(node);
    return node;
  }

  /** The node to push `n` bytes onto at the front: the first, or a new one. */
  private headFor(n: number): Deque {
    const head = this.nodes[0];
    if (!this.full(head, n)) return head;
    head.shrinkToFit();
    const node = this.newNode(n, 1);
    this.nodes.unshift(node);
    return node;
  }

  /** True when `node` cannot take one more element of `n` bytes. */
  private full(node: Deque, n: number): boolean {
    return node.length > 0 && !fits(node.length + 1, node.bytes + n);
  }

  /**
   * A node for a list that outgrew the one at its end, with its room on the `side` pushes come
   * from: an eighth of a full node to start with (it doubles as it fills, and gives up what is
   * left when full), or exactly `n` bytes for an element too large to share a node.
   */
  private newNode(n: number, side: number): Deque {
    if (n > NODE_BYTES) return new Deque(n, 2, side);
    const bytes = NODE_BYTES >> 3;
    return new Deque(bytes, Math.ceil(bytes / Math.max(n, 1)) + 2, side);
  }

  /**
   * The node holding element i, with i's index in it left in `within`; the walk starts from
   * the node the last lookup ended at, or from the nearer end of the list.
   */
  private locate(i: number): Deque {
    const nodes = this.nodes;
    let k = this.cacheNode;
    let first = this.cacheFirst;
    const fromEnd = Math.min(i, this.count - 1 - i);
    if (k < 0 || Math.abs(i - first) > fromEnd) {
      if (i < this.count - i) {
        k = 0;
        first = 0;
      } else {
        k = nodes.length - 1;
        first = this.count - nodes[k].length;
      }
    }
    while (i < first) first -= nodes[--k].length;
    while (i >= first + nodes[k].length) first += nodes[k++].length;
    this.cacheNode = k;
    this.cacheFirst = first;
    this.within = i - first;
    return nodes[k];
  }

  /**
   * Splits node k so that its element j has a node of its own (before it and after it, the
   * rest of the old node, when there is any); returns that node.
   */
  private isolate(k: number, j: number): Deque {
    const node = this.nodes[k];
    const single = node.splitOff(j);
    const rest = single.splitOff(1);
    this.nodes.splice(k, 1, ...[node, single, rest].filter((part) => part.length > 0));
    return single;
  }

  /** Splits node k, and its parts, until each keeps to the node rules. */
  private fit(k: number): void {
    const node = this.nodes[k];
    const n = node.length;
    if (fits(n, node.bytes)) return;
    // At the element where half the bytes are reached, within [1, n - 1].
    let m = 1;
    while (m < n - 1 && 2 * node.bytesBefore(m) < node.bytes) m++;
    this.nodes.splice(k + 1, 0, node.splitOff(m));
    this.fit(k + 1);
    this.fit(k);
  }

  /** Drops empty nodes and merges neighbours that fit in one node together. */
  private compact(): void {
    const kept: Deque[] = [];
    for (const node of this.nodes) {
      if (node.length === 0) continue;
      const last = kept[kept.length - 1];
      if (last !== undefined && fits(last.length + node.length, last.bytes + node.bytes)) {
        last.append(node);
      } else kept.push(node);
    }
    this.nodes = kept.length > 0 ? kept : [new Deque()];
  }
}
