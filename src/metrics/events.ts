// The latency monitor behind LATENCY LATEST/HISTORY/RESET/DOCTOR: per event ("command" for
// commands not flagged fast, "fast-command" for fast ones), the last 160 samples of at least
// `latency-monitor-threshold` ms, one per second (the worst of that second), and the all-time
// maximum. Same shape as Redis's latency.c.

/** Samples kept per event, as Redis's LATENCY_TS_LEN. */
const HISTORY_LEN = 160;

/** One second's worst latency of an event. */
export interface LatencySample {
  /** Unix time in seconds. */
  time: number;
  /** Milliseconds. */
  latency: number;
}

/** The samples of one event, oldest first, and its maximum. */
export interface LatencySeries {
  samples: LatencySample[];
  max: number;
}

/** Latency spikes by event name, in the order events first happened. */
export class LatencyMonitor {
  readonly events = new Map<string, LatencySeries>();

  /** Records `ms` for `event` now; the same second keeps only its worst sample. */
  add(event: string, ms: number): void {
    const time = Math.floor(Date.now() / 1000);
    let series = this.events.get(event);
    if (series === undefined) {
      series = { samples: [], max: 0 };
      this.events.set(event, series);
    }
    if (ms > series.max) series.max = ms;
    const last = series.samples[series.samples.length - 1];
    if (last !== undefined && last.time === time) {
      if (ms > last.latency) last.latency = ms;
      return;
    }
    series.samples.push({ time, latency: ms });
    if (series.samples.length > HISTORY_LEN) series.samples.shift();
  }

  /** Forgets the named events (all when none are named); returns how many existed. */
  reset(names: string[]): number {
    if (names.length === 0) {
      const n = this.events.size;
      this.events.clear();
      return n;
    }
    let n = 0;
    for (const name of names) if (this.events.delete(name)) n++;
    return n;
  }

  /** LATENCY DOCTOR's report, with Redis's wording for its summary lines. */
  doctor(thresholdMs: number): string {
    if (this.events.size === 0) {
      if (thresholdMs === 0) {
        return "I'm sorry, Dave, I can't do that. Latency monitoring is disabled in this Redis " +
          'instance. You may use "CONFIG SET latency-monitor-threshold <milliseconds>." in order ' +
          "to enable it. If we weren't in a deep space mission I'd suggest to take a look at " +
          "https://redis.io/topics/latency-monitor.\n";
      }
      return "Dave, no latency spike was observed during the lifetime of this Redis instance, not " +
        "in the slightest bit. I honestly think you ought to sit down calmly, take a stress " +
        "pill, and think things over.\n";
    }
    let report = "Dave, I have observed latency spikes in this Redis instance. You don't mind " +
      "talking about it, do you Dave?\n\n";
    let n = 0;
    const now = Math.floor(Date.now() / 1000);
    for (const [event, series] of this.events) {
      const samples = series.samples;
      const sum = samples.reduce((a, s) => a + s.latency, 0);
      const avg = Math.floor(sum / samples.length);
      const mad = Math.floor(
        samples.reduce((a, s) => a + Math.abs(avg - s.latency), 0) / samples.length,
      );
      const period = Math.max(1, now - Math.min(...samples.map((s) => s.time)));
      report += `${++n}. ${event}: ${samples.length} latency spikes (average ${avg}ms, mean ` +
        `deviation ${mad}ms, period ${(period / samples.length).toFixed(2)} sec). Worst all ` +
        `time event ${series.max}ms.\n`;
    }
    return report + "\nkeyval measures fast commands per pipelined batch: a " +
      '"fast-command" spike is the average of the commands in one batch.\n';
  }
}
