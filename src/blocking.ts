// Clients blocked on keys (BLPOP, BZPOPMIN ...). A write that may let a blocked client go on
// marks its key ready; after the write's command, the server serves the clients waiting on
// ready keys, first blocked first served, as Redis's handleClientsBlockedOnKeys does.

/** The keys written since blocked clients were last served. */
export class Blocking {
  /** Keys that got elements since the last serving round. */
  readonly readyKeys = new Set<string>();

  /** Marks `key` ready: a write added elements that a blocked client may be waiting for. */
  keyReady(key: string): void {
    this.readyKeys.add(key);
  }
}
