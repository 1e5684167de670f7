// The janitor: Redis's active expire cycle. Keys with a TTL that nobody reads again would stay
// in memory forever under lazy expiry alone, so on an interval the janitor walks the expiry
// table a few keys at a time (continuing where the last cycle stopped, never the whole keyspace),
// deletes those whose time has passed, and goes on while many of the sampled keys were stale,
// within a time budget so that the event loop is never held for long. Each tick first gives a
// table resize in progress 1 ms, as Redis's activerehashing does, so that a table nobody writes
// to does not stay two tables for lookups to search.
import type { Keyspace } from "./keyspace.ts";

/** Keys looked at per round (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_ROUND = 20;
/** Another round follows while more than this share of a round was stale (Redis: 10%). */
const ACCEPTABLE_STALE = 0.1;
/** Longest one cycle may run, in ms, whatever the interval. */
const MAX_CYCLE_MS = 5;
/** Time a tick gives the keyspace's table resizes, in ms (Redis's activerehashing: 1). */
const RESIZE_MS = 1;

/** What the janitor has done, for STATS and INFO. */
export interface JanitorStats {
  cycles: number;
  sampled: number;
  expired: number;
  /** Cycles that stopped because their time budget ran out. */
  timeLimited: number;
  /** Total time spent in cycles, in ms. */
  busyMs: number;
  /**
   * Estimated average TTL of keys that have one, in ms (INFO's avg_ttl): a running average of
   * the TTLs the cycles sample, weighted as Redis does (each round moves it 1/50 of the way).
   */
  avgTtlMs: number;
}

/** Runs the active expire cycle over one keyspace. */
export class Janitor {
  readonly stats: JanitorStats = {
    cycles: 0,
    sampled: 0,
    expired: 0,
    timeLimited: 0,
    busyMs: 0,
    avgTtlMs: 0,
  };
  private cursor: Iterator<[string, number]> | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private budgetMs = 0;

  constructor(private readonly keyspace: Keyspace, private intervalMs: number) {
    this.setInterval(intervalMs);
  }

  /** Changes the interval (CONFIG SET hz): the next cycle runs on the new one. */
  setInterval(intervalMs: number): void {
    this.intervalMs = intervalMs;
    this.budgetMs = Math.min(intervalMs / 4, MAX_CYCLE_MS);
    if (this.timer !== undefined) {
      this.stop();
      this.start();
    }
  }

  /** Starts cycling on the interval. */
  start(): void {
    this.timer ??= setInterval(() => this.tick(), this.intervalMs);
  }

  /** What runs on the interval: a table resize in progress is moved on, then a cycle runs. */
  tick(): void {
    this.keyspace.advanceResize(performance.now() + RESIZE_MS);
    this.cycle();
  }

  /** Stops cycling. */
  stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }

  /** One cycle: rounds of sampling until few samples were stale or the budget is spent. */
  cycle(now = Date.now(), budgetMs = this.budgetMs): void {
    const expires = this.keyspace.expires;
    if (expires.size === 0) return;
    const started = performance.now();
    const deadline = started + budgetMs;
    this.stats.cycles++;
    for (;;) {
      let sampled = 0;
      let expired = 0;
      let ttlSum = 0;
      let passEnded = false;
      while (sampled < KEYS_PER_ROUND) {
        this.cursor ??= expires.entries();
        const r = this.cursor.next();
        if (r.done) {
          // The walk reached the end: the next round starts over from the first slot.
          this.cursor = undefined;
          passEnded = true;
          break;
        }
        sampled++;
        if (r.value[1] < now) {
          this.keyspace.removeExpired(r.value[0]);
          expired++;
        } else {
          ttlSum += r.value[1] - now;
        }
      }
      this.stats.sampled += sampled;
      this.stats.expired += expired;
      if (sampled > expired) {
        const roundAvg = ttlSum / (sampled - expired);
        const prev = this.stats.avgTtlMs;
        this.stats.avgTtlMs = prev === 0 ? roundAvg : (prev / 50) * 49 + roundAvg / 50;
      }
      if ((passEnded && sampled === 0) || expired <= sampled * ACCEPTABLE_STALE) break;
      if (performance.now() >= deadline) {
        this.stats.timeLimited++;
        break;
      }
    }
    this.stats.busyMs += performance.now() - started;
  }
}
