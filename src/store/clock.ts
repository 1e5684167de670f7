// The time keys expire by, in Unix ms: Date.now(), read at most once per batch of requests.
//
// Redis reads the clock once per command: call() caches it (server.mstime), and the expiry
// checks and the TTLs a command sets use that, so a command sees one time. A clock read costs
// ~55 ns in Deno, which every request about a key with a TTL paid once or twice (its lookup,
// the time it sets): 3-5% of a pipelined GET or SET EX. Here the requests of one batch (what
// one read of a socket brought) share the first reading taken while they run. A command that
// is not fast may run long, so after one the next request reads the clock again (`lapse`, in
// commands/table.ts `call`): a request sees a time no later than its batch's fast requests
// before it took, a few ms at most. Outside a batch (the janitor, timers) every read is the
// clock's.

let held = false;
let time = 0;

/** The current time in Unix ms: within a batch, the first reading taken in it. */
export function now(): number {
  if (!held) return Date.now();
  if (time === 0) time = Date.now();
  return time;
}

/** Starts a batch: the next read takes the time the batch's requests share. */
export function hold(): void {
  held = true;
  time = 0;
}

/** Within a batch, after a request that may have run long: the next read takes the time anew. */
export function lapse(): void {
  time = 0;
}

/** Ends a batch: every read is the clock's again. */
export function release(): void {
  held = false;
  time = 0;
}
