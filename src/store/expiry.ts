// The janitor: Redis's active expire cycle. Keys with a TTL that nobody reads again would stay
// in memory forever under lazy expiry alone, so on an interval the janitor walks the expiry
// table a few keys at a time (continuing where the last cycle stopped, never the whole keyspace),
// deletes those whose time has passed, and goes on while many of the sampled keys were stale,
// within a time budget so that the event loop is never held for long. Each tick first gives a
// table resize in progress 1 ms, as Redis's activerehashing does, so that a table nobody writes
// to does not stay two tables for lookups to search; the same ms compacts the pages of expiry
// times when few are used (store/expiries.ts).
import type { Keyspace } from "./keyspace.ts";

/** Keys looked at per round (Redis's ACTIVE_EXPIRE_CYCLE_KEYS_PER_LOOP). */
const KEYS_PER_ROUND = 20;
/** Another round follows while more than this share of a round was stale (Redis: 10%). */
const ACCEPTABLE_STALE = 0.1;
/** Longest one cycle may run, in ms, whatever the interval. */
const MAX_CYCLE_MS = 5;
/**
 * A cycle that ended on its budget left stale keys: the next tick comes after this many budgets,
 * not the interval, so that a backlog gets up to a quarter of the CPU (Redis's slow cycle takes
 * 25%) while no cycle holds the loop past its budget (Redis's holds it 25 ms at hz 10).
 */
const CATCH_UP_BUDGETS = 3;
/**
 * Time a tick gives the keyspace's table resizes and the compaction of its expiry times, in ms
 * (Redis's activerehashing: 1).
 */
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
  /** Where the sampling goes on from (Expiries.sample). */
  private cursor = 0;
  private timer: ReturnType<typeof setTimeout> | undefined;
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
    if (this.timer === undefined) this.schedule(this.intervalMs);
  }

  /** Runs a tick in `ms`, and schedules the next one after it. */
  private schedule(ms: number): void {
    this.timer = setTimeout(() => {
      const behind = this.tick();
      if (this.timer === undefined) return; // stopped meanwhile
      this.schedule(
        behind ? Math.min(this.intervalMs, CATCH_UP_BUDGETS * this.budgetMs) : this.intervalMs,
      );
    }, ms);
  }

  /**
   * What runs on the interval: a table resize or a compaction in progress is moved on, then a
   * cycle runs. True when the cycle ended on its budget (stale keys are left).
   */
  tick(): boolean {
    this.keyspace.advanceResize(performance.now() + RESIZE_MS);
    return this.cycle();
  }

  /** Stops cycling. */
  stop(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /**
   * One cycle: rounds of sampling until few samples were stale or the budget is spent; true
   * when it was (stale keys are left).
   */
  cycle(now = Date.now(), budgetMs = this.budgetMs): boolean {
    const expires = this.keyspace.expires;
    if (expires.size === 0) return false;
    let behind = false;
    const started = performance.now();
    const deadline = started + budgetMs;
    this.stats.cycles++;
    for (;;) {
      // The sampling sees the table in use only: a resize of the expiry table goes first.
      if (expires.resizing) {
        expires.advanceResize(deadline);
        if (expires.resizing) {
          behind = true;
          break;
        }
      }
      let sampled = 0;
      let expired = 0;
      let ttlSum = 0;
      const visit = (key: string, at: number): boolean => {
        sampled++;
        if (at >= now) {
          ttlSum += at - now;
          return false;
        }
        this.keyspace.removeExpired(key);
        expired++;
        return true;
      };
      this.cursor = expires.sample(this.cursor, KEYS_PER_ROUND, visit);
      // Past the end of the table, the round goes on from its first slot (once: the table may
      // hold fewer keys than a round).
      if (this.cursor === 0 && sampled < KEYS_PER_ROUND) {
        this.cursor = expires.sample(0, KEYS_PER_ROUND - sampled, visit);
      }
      this.stats.sampled += sampled;
      this.stats.expired += expired;
      if (sampled > expired) {
        const roundAvg = ttlSum / (sampled - expired);
        const prev = this.stats.avgTtlMs;
        this.stats.avgTtlMs = prev === 0 ? roundAvg : (prev / 50) * 49 + roundAvg / 50;
      }
      if (sampled === 0 || expired <= sampled * ACCEPTABLE_STALE) break;
      if (performance.now() >= deadline) {
        behind = true;
        break;
      }
    }
    if (behind) this.stats.timeLimited++;
    this.stats.busyMs += performance.now() - started;
    return behind;
  }
}
