// Server-wide counters behind STATS and INFO. Plain numbers: the server runs on one thread.
// Per-command counters live on the command table's entries.

/** Counters that only ever grow (until CONFIG RESETSTAT). */
export class Stats {
  connections = 0;
  rejectedConnections = 0;
  commands = 0;
  gets = 0;
  sets = 0;
  dels = 0;
  ttl = 0;
  expire = 0;
  netInputBytes = 0;
  netOutputBytes = 0;
  errorReplies = 0;
  protocolErrors = 0;
  /** Error replies by their first word (ERR, WRONGTYPE ...), as INFO errorstats counts them. */
  errorTypes = new Map<string, number>();

  /** Zeroes every counter (CONFIG RESETSTAT). */
  reset(): void {
    Object.assign(this, new Stats());
  }
}
