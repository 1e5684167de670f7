// Clients blocked on keys (BLPOP, BLMOVE, BZPOPMIN ...), served as Redis serves them.
//
// How a blocking command uses this module:
//
//   1. Parse the timeout with `parseTimeout(cx, i)` (Redis's errors; 0 means forever).
//   2. Try to pop at once. When a key has something, reply as the non-blocking form would.
//   3. Otherwise call `block(cx, keys, timeoutMs, retry)` and write no reply. `retry(key)` is
//      called later with one of `keys` that got elements: it pops from that key and replies on
//      `cx.out` (the blocked client's own writer), returning true; or returns false, writing
//      nothing, when the key has nothing for it after all (missing, empty, another type), and
//      the client stays blocked. It must not read `cx.arg()`: the request it came from is gone,
//      so capture what it needs (keys, direction, count) when blocking.
//
// A command that adds elements to a key calls `signalKeyReady(cx, key)` (collections.ts),
// which marks the key ready when someone waits on it. After each command a connection runs,
// `serveReady()` offers every ready key to its waiters, first blocked first served (a waiter
// that finds nothing for it, such as BZPOPMIN on a list, stays blocked and is passed over); a
// retry that pushes elsewhere (BLMOVE) marks that key ready in turn, and it is served in the same
// round, as Redis's handleClientsBlockedOnKeys does.
//
// A served, timed-out (null array reply) or CLIENT UNBLOCKed client gets `resume()`: its
// connection sends the reply and then runs the requests it had pipelined behind the blocking
// one, which waited meanwhile. A client that disconnects is `cancel`led: nothing stays behind.
// Each blocked client with a timeout holds one timer; nothing polls.
import type { ClientState, Context } from "./commands/context.ts";
import { parseDecimal, parseInt64 } from "./commands/numbers.ts";
import { replyToThrow } from "./commands/table.ts";

/** Pops from a key that got elements and replies (true), or finds nothing there (false). */
export type Retry = (key: string) => boolean;

/** One blocked client. */
interface Waiter {
  readonly cx: Context;
  readonly keys: readonly string[];
  readonly retry: Retry;
  /** Unix ms when the block times out; 0 for never. */
  readonly deadline: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/** setTimeout's longest delay; longer timeouts re-arm. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** What CLIENT UNBLOCK ... ERROR replies to the unblocked client. */
export const UNBLOCKED = "UNBLOCKED client unblocked via CLIENT UNBLOCK";

/** The clients blocked on keys, and the keys written for them since they were last served. */
export class Blocking {
  /** Keys that got elements, with clients waiting on them, since the last serving round. */
  readonly readyKeys = new Set<string>();
  /** Waiters by key, in the order they blocked (a Set keeps insertion order). */
  private readonly byKey = new Map<string, Set<Waiter>>();
  private readonly byClient = new Map<number, Waiter>();

  /** Number of clients blocked now (INFO's blocked_clients). */
  get blockedClients(): number {
    return this.byClient.size;
  }

  /** Marks `key` ready when a client waits on it: a write added elements to it. */
  keyReady(key: string): void {
    if (this.byKey.has(key)) this.readyKeys.add(key);
  }

  /** Blocks the client of `cx` on `keys` (see the top of this file); `timeoutMs` 0 is forever. */
  block(cx: Context, keys: readonly string[], timeoutMs: number, retry: Retry): void {
    const client = cx.client;
    const w: Waiter = {
      cx,
      keys,
      retry,
      deadline: timeoutMs > 0 ? Date.now() + timeoutMs : 0,
      timer: undefined,
    };
    this.byClient.set(client.id, w);
    for (const key of keys) {
      let waiters = this.byKey.get(key);
      if (waiters === undefined) this.byKey.set(key, waiters = new Set());
      waiters.add(w);
    }
    client.blocked = true;
    if (w.deadline !== 0) this.arm(w);
  }

  /** Serves the clients waiting on ready keys; the server calls it after each command. */
  serveReady(): void {
    // A key deleted and re-added during the loop (BLMOVE into a key it serves) is visited again.
    for (const key of this.readyKeys) {
      this.readyKeys.delete(key);
      const waiters = this.byKey.get(key);
      if (waiters === undefined) continue;
      for (const w of waiters) {
        // A waiter that finds nothing for it (BZPOPMIN on a key that became a list) stays
        // blocked; those behind it are still offered the key, as Redis skips such clients.
        if (!this.attempt(w, key)) continue;
        this.release(w);
        w.cx.client.resume();
      }
    }
  }

  /**
   * CLIENT UNBLOCK: ends client `id`'s block with the timeout reply, or with the UNBLOCKED
   * error when `error`; false when it was not blocked.
   */
  unblock(id: number, error: boolean): boolean {
    const w = this.byClient.get(id);
    if (w === undefined) return false;
    this.release(w);
    if (error) w.cx.out.error(UNBLOCKED);
    else w.cx.out.nilArray();
    w.cx.client.resume();
    return true;
  }

  /** Forgets a client that is going away, if it was blocked. */
  cancel(client: ClientState): void {
    const w = this.byClient.get(client.id);
    if (w !== undefined) this.release(w);
  }

  /** Runs a waiter's retry; a throw becomes an error reply, as dispatch does for commands. */
  private attempt(w: Waiter, key: string): boolean {
    const before = w.cx.out.length;
    try {
      return w.retry(key);
    } catch (err) {
      replyToThrow(w.cx.out, before, err, "the retry of a blocked client");
      return true;
    }
  }

  private arm(w: Waiter): void {
    const delay = Math.min(Math.max(0, w.deadline - Date.now()), MAX_TIMER_MS);
    w.timer = setTimeout(() => {
      if (Date.now() < w.deadline) return this.arm(w);
      this.release(w);
      // Redis answers a timed-out list, sorted set or stream block with the null array.
      w.cx.out.nilArray();
      w.cx.client.resume();
    }, delay);
  }

  private release(w: Waiter): void {
    const client = w.cx.client;
    this.byClient.delete(client.id);
    for (const key of w.keys) {
      const waiters = this.byKey.get(key);
      if (waiters === undefined) continue;
      waiters.delete(w);
      if (waiters.size === 0) this.byKey.delete(key);
    }
    if (w.timer !== undefined) clearTimeout(w.timer);
    w.timer = undefined;
    client.blocked = false;
  }
}

/** Blocks the client of `cx` on `keys` until `retry` replies; see the top of this file. */
export function block(cx: Context, keys: readonly string[], timeoutMs: number, retry: Retry): void {
  cx.server.blocking.block(cx, keys, timeoutMs, retry);
}

/** `n` rounded to a 64-bit mantissa (x87 long double, ties to even): [mantissa, exponent]. */
function round64(n: bigint, e: number): [bigint, number] {
  const shift = n.toString(2).length - 64;
  if (shift <= 0) return [n, e];
  const b = BigInt(shift);
  let m = n >> b;
  const rest = n - (m << b);
  const half = 1n << (b - 1n);
  if (rest > half || (rest === half && (m & 1n) === 1n)) m++;
  if (m >> 64n) return [m >> 1n, e + shift + 1];
  return [m, e + shift];
}

/**
 * ceil(mant × 10^exp × 1000) as Redis gets it: strtold's rounding of the seconds, the product
 * rounded again, then ceill. The roundings matter at the edges: "-0.001" is -0.99999... ms
 * there, which ceils to 0 and blocks forever instead of being negative.
 */
function longDoubleCeilMs(mant: bigint, exp: number): bigint {
  if (mant === 0n) return 0n;
  const neg = mant < 0n;
  const abs = neg ? -mant : mant;
  let m: bigint;
  let e: number;
  if (exp >= 0) [m, e] = round64(abs * 10n ** BigInt(exp), 0);
  else {
    // abs / 10^k scaled by 2^s to 66+ bits of quotient, the rest deciding the rounding.
    const den = 10n ** BigInt(-exp);
    const s = Math.max(0, 66 - (abs.toString(2).length - den.toString(2).length));
    const num = abs << BigInt(s);
    const q = num / den;
    // A non-zero remainder only breaks ties: fold it into a sticky low bit.
    [m, e] = round64((q << 1n) | (num % den === 0n ? 0n : 1n), -s - 1);
  }
  [m, e] = round64(m * 1000n, e);
  let whole: bigint;
  let frac: boolean;
  if (e >= 0) [whole, frac] = [m << BigInt(e), false];
  else {
    whole = m >> BigInt(-e);
    frac = m - (whole << BigInt(-e)) !== 0n;
  }
  return neg ? -whole : frac ? whole + 1n : whole;
}

/** 2^63: a timeout of this many ms or more wraps negative in Redis's cast to long long. */
const LLONG_LIMIT = 2n ** 63n;

/**
 * A blocking command's timeout (argument i, seconds, fractional) in ms, rounded up as Redis
 * does (0: forever); undefined after replying Redis's error.
 */
export function parseTimeout(cx: Context, i: number): number | undefined {
  const s = cx.arg(i);
  const n = parseInt64(s);
  if (typeof n === "number" && n >= 0 && n < 1e12) return n * 1000;
  const d = parseDecimal(s);
  if (d === undefined) {
    cx.out.error("ERR timeout is not a float or out of range");
    return undefined;
  }
  // Redis computes ceil(seconds * 1000) in a long double and casts it to a long long: infinity
  // and anything from 2^63 on become LLONG_MIN there, hence "negative" for those too.
  const ms = d === "inf" || d === "-inf" ? -1n : longDoubleCeilMs(d.mant, d.exp);
  if (ms < 0n || ms >= LLONG_LIMIT) {
    cx.out.error("ERR timeout is negative");
    return undefined;
  }
  return Number(ms);
}
