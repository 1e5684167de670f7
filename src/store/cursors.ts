// SCAN cursors. A JavaScript Map has no stable positions to encode in a stateless cursor, but a
// Map iterator visits every entry present from its creation to its end, whatever is added or
// deleted meanwhile: exactly SCAN's guarantee. So a cursor names a live iterator kept here.
// Idle cursors are dropped (oldest first) to bound memory; using one afterwards is an error.

/** Most live cursors; creating one more drops the least recently used. */
const MAX_CURSORS = 4096;

/** A table of live iterators, keyed by the cursor number handed to clients. */
export class CursorTable<T> {
  private readonly live = new Map<number, Iterator<T>>();
  private nextId = 1;

  /** Number of live cursors. */
  get size(): number {
    return this.live.size;
  }

  /** The iterator for `cursor` ("0" starts a new one); undefined for an unknown cursor. */
  open(cursor: number, start: () => Iterator<T>): Iterator<T> | undefined {
    if (cursor === 0) return start();
    const it = this.live.get(cursor);
    if (it !== undefined) this.live.delete(cursor);
    return it;
  }

  /** Parks an unfinished iterator and returns its new cursor number. */
  park(it: Iterator<T>): number {
    if (this.live.size >= MAX_CURSORS) {
      const oldest = this.live.keys().next().value as number;
      this.live.delete(oldest);
    }
    const id = this.nextId++;
    this.live.set(id, it);
    return id;
  }

  /** Drops every cursor (FLUSHALL). */
  clear(): void {
    this.live.clear();
  }
}
