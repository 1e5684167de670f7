// SCAN cursors. A cursor names a live iterator kept here: over the keyspace or a set or sorted
// set, a StringMap walk (stringmap.ts: Redis's dictScan order, which sees every entry present from
// its start to its end, whatever is added or deleted meanwhile, and holds only its position);
// over a hash, a Map iterator, which does the same. It is kept with the thing it walks (the
// keyspace, or one hash, set or sorted set): a cursor handed out by HSCAN on one key is not valid
// for SSCAN, or for HSCAN on another key.
// Idle cursors are dropped (oldest first) to bound memory; using one afterwards is an error.

/** Most live cursors; creating one more drops the least recently used. */
const MAX_CURSORS = 4096;

interface Parked {
  owner: object;
  it: Iterator<unknown>;
}

/** A table of live iterators, keyed by the cursor number handed to clients. */
export class CursorTable {
  private readonly live = new Map<number, Parked>();
  private nextId = 1;

  /** Number of live cursors. */
  get size(): number {
    return this.live.size;
  }

  /**
   * The iterator over `owner` for `cursor` ("0" starts a new one with `start`); undefined for
   * an unknown cursor or one that walks something else.
   */
  open<T>(cursor: number, owner: object, start: () => Iterator<T>): Iterator<T> | undefined {
    if (cursor === 0) return start();
    const parked = this.live.get(cursor);
    if (parked === undefined || parked.owner !== owner) return undefined;
    this.live.delete(cursor);
    return parked.it as Iterator<T>;
  }

  /** Parks an unfinished iterator over `owner` and returns its new cursor number. */
  park(owner: object, it: Iterator<unknown>): number {
    if (this.live.size >= MAX_CURSORS) {
      const oldest = this.live.keys().next().value as number;
      this.live.delete(oldest);
    }
    const id = this.nextId++;
    this.live.set(id, { owner, it });
    return id;
  }

  /** Drops every cursor (FLUSHALL). */
  clear(): void {
    this.live.clear();
  }
}
