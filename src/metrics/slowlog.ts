// SLOWLOG's store: the newest commands that ran at least `slowlog-log-slower-than` µs, in
// Redis's entry format, newest first, at most `slowlog-max-len` of them.
import type { Context } from "../commands/context.ts";
import type { Command } from "../commands/table.ts";
import { redactedArgs } from "../commands/redact.ts";

/** Arguments kept per entry, as Redis's SLOWLOG_ENTRY_MAX_ARGC. */
const MAX_ARGC = 32;
/** Bytes kept per argument, as Redis's SLOWLOG_ENTRY_MAX_STRING. */
const MAX_STRING = 128;

/** One logged command. */
export interface SlowlogEntry {
  id: number;
  /** Unix time in seconds when the command ran. */
  time: number;
  /** How long it ran, in whole microseconds. */
  usec: number;
  args: string[];
  addr: string;
  name: string;
}

/** The slow log. */
export class SlowLog {
  /**
   * Oldest first, from `start` on: logging a command appends and drops the oldest in O(1)
   * (amortized), where keeping the newest first would shift the whole log for every command.
   */
  private log: SlowlogEntry[] = [];
  private start = 0;
  private nextId = 0;

  /** Entries kept (SLOWLOG LEN). */
  get length(): number {
    return this.log.length - this.start;
  }

  /** The i-th newest entry (0: the newest), for 0 <= i < length. */
  newest(i: number): SlowlogEntry {
    return this.log[this.log.length - 1 - i];
  }

  /** Logs `cmd`, the request in `cx`, that ran `usec` µs, keeping at most `maxLen` entries. */
  push(cx: Context, cmd: Command, usec: number, maxLen: number): void {
    const argc = cx.argc;
    const kept = argc > MAX_ARGC ? MAX_ARGC - 1 : argc;
    const hidden = redactedArgs(cx, cmd);
    const args: string[] = [];
    for (let i = 0; i < kept; i++) {
      const n = cx.argLength(i);
      if (hidden?.has(i)) {
        args.push("(redacted)");
      } else if (n > MAX_STRING) {
        const s = cx.starts[i];
        const head = cx.mem.latin1(s, s + MAX_STRING);
        args.push(`${head}... (${n - MAX_STRING} more bytes)`);
      } else {
        args.push(cx.arg(i));
      }
    }
    if (kept < argc) args.push(`... (${argc - kept} more arguments)`);
    this.log.push({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      usec: Math.round(usec),
      args,
      addr: cx.client.addr,
      name: cx.client.name,
    });
    this.trim(maxLen);
  }

  /**
   * Drops the oldest entries past `maxLen`. Only when logging, as in Redis: after CONFIG SET
   * slowlog-max-len to less, the log shrinks at its next entry.
   */
  private trim(maxLen: number): void {
    const excess = this.length - maxLen;
    if (excess <= 0) return;
    this.start += excess;
    if (this.start >= 1024 && this.start * 2 >= this.log.length) {
      this.log = this.log.slice(this.start);
      this.start = 0;
    }
  }

  /** SLOWLOG RESET: empties the log (ids keep counting, as in Redis). */
  reset(): void {
    this.log = [];
    this.start = 0;
  }
}
