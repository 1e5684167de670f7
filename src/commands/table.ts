// The command table: one declarative entry per command (name, arity, flags, key positions,
// docs, handler) drives dispatch, arity errors, HELP, COMMAND and the per-command counters.
// Adding a command means adding one entry and one handler, nothing elsewhere.
import type { Context, Handler } from "./context.ts";
import { REPLY_TOO_LARGE, TOO_BIG } from "./replies.ts";
import { ReplyTooLarge, type ReplyWriter } from "../protocol/encoder.ts";
import { LatencyHistogram } from "../metrics/histogram.ts";
import { type ByteBuffer, equalsIgnoreCase } from "../protocol/latin1.ts";
import type { Lookahead } from "../protocol/decoder.ts";
import * as clock from "../store/clock.ts";

/** Redis's command flags that keyval uses. */
export type Flag =
  | "write"
  | "readonly"
  | "denyoom"
  | "admin"
  | "noscript"
  | "loading"
  | "stale"
  | "fast"
  | "no_auth";

/** What a family module declares for one command. */
export interface CommandSpec {
  /** Lower-case name, as COMMAND reports it. */
  name: string;
  /** Redis arity: N means exactly N arguments (with the name), -N at least N. */
  arity: number;
  flags: Flag[];
  /** Position of the first key, the last key (-1: the last argument) and the step between keys. */
  keys?: [number, number, number];
  /** Redis's command group: string, generic, keyspace, connection, server. */
  group: string;
  since: string;
  /** The arguments after the name, in Redis's documentation syntax. */
  syntax: string;
  summary: string;
  complexity: string;
  handler?: Handler;
  subcommands?: CommandSpec[];
  /**
   * Not flagged fast, but its work is bounded by the size of its request, whatever the dataset
   * holds (SET, MSET): like a fast command it shares its batch's time (metrics/timing.ts).
   */
  boundedByRequest?: boolean;
}

/** Builds the specs of a container's subcommands, which share flags, group, version and cost. */
export function subcommandsOf(
  common: Pick<CommandSpec, "flags" | "group" | "since" | "complexity">,
): (name: string, arity: number, syntax: string, summary: string, handler: Handler) => CommandSpec {
  return (name, arity, syntax, summary, handler) => ({
    name,
    arity,
    syntax,
    summary,
    handler,
    ...common,
  });
}

/**
 * Builds the specs of one command group, taking the fields in the order a family's table lists
 * them: `const list = specOf("list"); list("lpush", -3, ["write"], [1, 1, 1], ...)`.
 */
export function specOf(group: string): (
  name: string,
  arity: number,
  flags: Flag[],
  keys: CommandSpec["keys"],
  since: string,
  syntax: string,
  summary: string,
  complexity: string,
  handler: Handler,
) => CommandSpec {
  return (name, arity, flags, keys, since, syntax, summary, complexity, handler) => ({
    name,
    arity,
    flags,
    keys,
    group,
    since,
    syntax,
    summary,
    complexity,
    handler,
  });
}

/** A command as the table holds it: the spec plus its counters. */
export class Command {
  /** "get", or "client|setname" for a subcommand. */
  readonly fullName: string;
  readonly subcommands = new Map<string, Command>();
  calls = 0;
  failedCalls = 0;
  rejectedCalls = 0;
  /** Total time spent in the handler, in microseconds (fractional; see metrics/timing.ts). */
  usec = 0;
  /** Latency of the calls, for /metrics and LATENCY HISTOGRAM. */
  readonly latency = new LatencyHistogram();
  /** Flagged "fast" (Redis's O(1) or O(log N)). */
  readonly fast: boolean;
  /** Fast or bounded by its request: shares its batch's time instead of reading the clock. */
  readonly sharesBatchTime: boolean;
  /** Flagged "admin": hidden from MONITOR. */
  readonly admin: boolean;
  /** Flagged "readonly" or "write": touches the keyspace, which a monitoring client may not. */
  readonly touchesKeys: boolean;
  /**
   * What `prefetch` reads ahead of the keys a request of this command names: 0 nothing (no
   * keys), else 2, their entries and values. Even a write that replaces a value reads it: a
   * short one is rewritten in its slab slot (Keyspace.setBytes).
   */
  readonly prefetches: number;

  constructor(readonly spec: CommandSpec, readonly parent?: Command) {
    this.fullName = parent ? `${parent.spec.name}|${spec.name}` : spec.name;
    const flags = spec.flags;
    this.fast = flags.includes("fast");
    this.sharesBatchTime = this.fast || spec.boundedByRequest === true;
    this.admin = flags.includes("admin");
    this.touchesKeys = flags.includes("readonly") || flags.includes("write");
    this.prefetches = !spec.keys || spec.keys[0] < 1 ? 0 : 2;
    for (const sub of spec.subcommands ?? []) {
      this.subcommands.set(sub.name, new Command(sub, this));
    }
  }

  /** Redis's arity check. */
  arityOk(argc: number): boolean {
    const a = this.spec.arity;
    return a >= 0 ? argc === a : argc >= -a;
  }
}

/**
 * Case-insensitive hash of bytes [s, e) (FNV-1a over lower-cased ASCII), as a signed 32-bit
 * integer: a small integer to V8. Unsigned, the hashes of SET, LPUSH, SADD, MSET, DEL and EXPIRE
 * were past 2^31, and each lookup of their names in the table's Map boxed one in a heap number:
 * 14 bytes of a SET's 68 allocated (tests/unit/allocation_test.ts).
 */
function hashName(b: Uint8Array, s: number, e: number): number {
  let h = 0x811c9dc5;
  for (let i = s; i < e; i++) {
    const c = b[i];
    h = Math.imul(h ^ (c >= 65 && c <= 90 ? c + 32 : c), 16777619);
  }
  return h | 0;
}

/** All commands, looked up by name straight from request bytes without building a string. */
export class CommandTable {
  readonly byName = new Map<string, Command>();
  private readonly byHash = new Map<number, Command[]>();
  /** The command found last. */
  private last: Command | undefined;

  constructor(specs: CommandSpec[]) {
    for (const spec of specs) {
      if (this.byName.has(spec.name)) throw new Error(`duplicate command ${spec.name}`);
      const cmd = new Command(spec);
      this.byName.set(spec.name, cmd);
      const bytes = new TextEncoder().encode(spec.name);
      const h = hashName(bytes, 0, bytes.length);
      const bucket = this.byHash.get(h);
      if (bucket) bucket.push(cmd);
      else this.byHash.set(h, [cmd]);
    }
  }

  /** The command named by argument `i` of the request, if any. */
  find(cx: Context, i: number): Command | undefined {
    return this.findBytes(cx.mem.bytes, cx.starts[i], cx.ends[i]);
  }

  /** The command named by bytes [s, e) of `b` (in any case), if any. */
  findBytes(b: Uint8Array, s: number, e: number): Command | undefined {
    // A pipeline mostly repeats one command: comparing its name costs less than hashing it and
    // looking the hash up. In-process (`deno task ab`, 40 rounds), 16 pipelined PINGs took 0.89
    // of the time, GETs and INCRs 0.96, SETs 0.98; in the server, within its noise.
    const last = this.last;
    if (last !== undefined && equalsIgnoreCase(b, s, e, last.spec.name)) return last;
    const bucket = this.byHash.get(hashName(b, s, e));
    if (bucket === undefined) return undefined;
    for (const cmd of bucket) {
      if (equalsIgnoreCase(b, s, e, cmd.spec.name)) return this.last = cmd;
    }
    return undefined;
  }

  /** The subcommand of container `cmd` named by argument 1, if any. */
  findSub(cx: Context, cmd: Command): Command | undefined {
    for (const sub of cmd.subcommands.values()) if (cx.argIs(1, sub.spec.name)) return sub;
    return undefined;
  }

  /** Every command and subcommand, in table order. */
  *all(): Iterable<Command> {
    for (const cmd of this.byName.values()) {
      yield cmd;
      yield* cmd.subcommands.values();
    }
  }
}

/** Text up to the first NUL and at most `max` chars, as C's "%.*s" prints it. */
function cText(s: string, max: number): string {
  const nul = s.indexOf("\0");
  return (nul === -1 ? s : s.slice(0, nul)).slice(0, max);
}

/**
 * Redis's error for a subcommand given the wrong arguments inside its handler (the arity check
 * having passed), naming the subcommand as C's "%.128s" prints it.
 */
export function subcommandSyntaxError(cx: Context, container: string): void {
  cx.out.error(
    `ERR unknown subcommand or wrong number of arguments for '${cText(cx.arg(1), 128)}'. ` +
      `Try ${container} HELP.`,
  );
}

/** Redis's "unknown command" error, quoting the first arguments as Redis does. */
export function unknownCommandError(cx: Context): string {
  let args = "";
  for (let i = 1; i < cx.argc && args.length < 128; i++) {
    args += `'${cText(cx.arg(i), 128 - args.length)}' `;
  }
  return `ERR unknown command '${cText(cx.arg(0), 128)}', with args beginning with: ${args}`;
}

/** Keys a read-ahead covers at most. */
const KEYS_AHEAD = 256;
/** The keys `prefetch` hands to the keyspace: bytes [keyStarts[i], keyEnds[i]) of the buffer. */
const keyStarts = new Int32Array(KEYS_AHEAD);
const keyEnds = new Int32Array(KEYS_AHEAD);
const keyWants = new Uint8Array(KEYS_AHEAD);

/**
 * Brings into the CPU's cache the keyspace entries (and the values, for the commands that read
 * them) of the keys that the requests in `ahead`, whose bytes lie in `mem`, are about to look up.
 * Each lookup alone waits for its cache misses one after another (the table's slot, then the
 * key, then the value), and these dominate a pipelined SET or GET in `perf`; here the reads of
 * all the keys are issued together, so their misses overlap (see Keyspace.prefetch). The keys
 * are those of each command's key spec (`keys`): every key of an MSET or an MGET. Their hashes
 * are kept for the lookups to come, which need not hash them again.
 */
export function prefetch(cx: Context, mem: ByteBuffer, ahead: Lookahead): void {
  const table = cx.server.commands;
  const b = mem.bytes;
  const { starts, ends, first, argc } = ahead;
  let keys = 0;
  for (let i = 0; i < ahead.count; i++) {
    const at = first[i];
    // A pipeline mostly repeats one command, which findBytes compares first.
    const cmd = table.findBytes(b, starts[at], ends[at]);
    if (cmd === undefined || cmd.prefetches === 0) continue;
    const [from, last, step] = cmd.spec.keys!;
    const to = last < 0 ? argc[i] + last : Math.min(last, argc[i] - 1);
    for (let k = from; k <= to && keys < KEYS_AHEAD; k += step) {
      keyStarts[keys] = starts[at + k];
      keyEnds[keys] = ends[at + k];
      keyWants[keys++] = cmd.prefetches;
    }
  }
  // A single key has no miss to overlap with.
  if (keys > 1) cx.db.prefetch(mem, keyStarts, keyEnds, keyWants, keys);
}

/** Runs one request: looks the command up, checks arity, runs the handler, counts. */
export function dispatch(cx: Context): void {
  const server = cx.server;
  let cmd = server.commands.find(cx, 0);
  if (cmd === undefined) {
    cx.out.error(unknownCommandError(cx));
    return;
  }
  if (cmd.subcommands.size > 0 && cx.argc >= 2) {
    // A container (CLIENT, CONFIG ...): the subcommand is the command, with its own arity.
    const sub = server.commands.findSub(cx, cmd);
    if (sub === undefined) {
      // Counted nowhere but in the error counters: Redis found no command to charge it to.
      const name = cmd.spec.name.toUpperCase();
      cx.out.error(`ERR unknown subcommand '${cText(cx.arg(1), 128)}'. Try ${name} HELP.`);
      return;
    }
    cmd = sub;
  }
  if (!cmd.arityOk(cx.argc)) {
    cmd.rejectedCalls++;
    cx.out.error(`ERR wrong number of arguments for '${cmd.fullName}' command`);
    return;
  }
  // The one cost MONITOR adds when nobody monitors: this check.
  if (server.monitors.active) return server.monitors.call(cx, cmd);
  call(cx, cmd);
}

/** Runs a command that passed lookup and the arity check, and counts it (Redis's call()). */
export function call(cx: Context, cmd: Command): void {
  const stats = cx.server.stats;
  const errorsBefore = stats.errorReplies;
  cx.client.lastCommand = cmd.fullName;
  const timing = cx.server.timing;
  if (timing.shared(cx, cmd)) {
    run(cx, cmd);
    timing.defer(cmd);
  } else {
    const t0 = timing.commandBegin();
    run(cx, cmd);
    timing.commandEnd(cx, cmd, t0);
    // It may have run long: the next request reads the time anew (store/clock.ts).
    clock.lapse();
  }
  // Counted once run, as Redis's call() does: a running INFO does not count itself.
  stats.commands++;
  cmd.calls++;
  // Greater, not different: CONFIG RESETSTAT zeroes the count while it runs.
  if (stats.errorReplies > errorsBefore) cmd.failedCalls++;
}

/** Runs the handler, turning a throw into an error reply. */
function run(cx: Context, cmd: Command): void {
  const before = cx.out.length;
  try {
    cmd.spec.handler!(cx);
  } catch (err) {
    replyToThrow(cx.out, before, err, `'${cmd.fullName}'`);
  }
}

/**
 * Replaces what a command wrote since `before` with the error reply for `err`: a partial reply
 * would desynchronise the client. Handlers validate (and reply) before they change anything, so
 * a throw leaves nothing half applied. The expected throws: a reply past the writer's limit, V8
 * refusing a string past its size limit or memory for a buffer; anything else is logged.
 */
export function replyToThrow(out: ReplyWriter, before: number, err: unknown, what: string): void {
  out.truncate(before);
  if (err instanceof ReplyTooLarge) out.error(REPLY_TOO_LARGE);
  else if (err instanceof RangeError) out.error(TOO_BIG);
  else {
    console.error(`keyval: internal error in ${what}:`, err);
    out.error(`ERR internal error in ${what}`);
  }
}
