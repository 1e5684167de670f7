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

/** The slow log, newest entry first. */
export class SlowLog {
  /** Newest first. */
  entries: SlowlogEntry[] = [];
  private nextId = 0;

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
    this.entries.unshift({
      id: this.nextId++,
      time: Math.floor(Date.now() / 1000),
      usec: Math.round(usec),
      args,
      addr: cx.client.addr,
      name: cx.client.name,
    });
    this.trim(maxLen);
  }

  /** Drops the oldest entries past `maxLen` (also after CONFIG SET slowlog-max-len). */
  trim(maxLen: number): void {
    if (this.entries.length > maxLen) this.entries.length = Math.max(0, maxLen);
  }

  /** SLOWLOG RESET: empties the log (ids keep counting, as in Redis). */
  reset(): void {
    this.entries = [];
  }
}
