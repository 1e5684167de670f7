// keyval-cli's command line: options first, as redis-cli reads them, then the command.
import { KEYVAL_VERSION } from "../version.ts";

/** What the command line asks for. */
export interface CliOptions {
  host: string;
  port: number;
  /** How many times to run the command; -1 runs it forever. */
  repeat: number;
  /** Seconds between repeats (and between --stat lines when set). */
  interval: number;
  /** Forced output mode, or undefined to follow whether stdout is a terminal. */
  output?: "raw" | "tty";
  pipe: boolean;
  /** Seconds --pipe waits for a reply before giving up (0: forever). */
  pipeTimeout: number;
  stat: boolean;
  /** The command and its arguments, as given. */
  command: string[];
}

/** The command line asks for help or the version instead of a session. */
export type Action = CliOptions | { print: string };

/** A bad command line; the message is printed as it is and the exit code is 1. */
export class UsageError extends Error {}

/** Parses the arguments as redis-cli does: options until the first word that is not one. */
export function parseOptions(args: string[]): Action {
  const o: CliOptions = {
    host: "127.0.0.1",
    port: 6379,
    repeat: 1,
    interval: 0,
    pipe: false,
    pipeTimeout: 30,
    stat: false,
    command: [],
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    const last = i === args.length - 1;
    const value = () => args[++i];
    if ((a === "-h" || a === "--host") && !last) o.host = value();
    else if (a === "-h" && last) return { print: helpText() };
    else if ((a === "-p" || a === "--port") && !last) o.port = atoi(value());
    else if (a === "-r" && !last) o.repeat = atoi(value());
    else if (a === "-i" && !last) o.interval = Number.parseFloat(value()) || 0;
    else if (a === "--raw") o.output = "raw";
    else if (a === "--no-raw") o.output = "tty";
    else if (a === "--pipe") o.pipe = true;
    else if (a === "--pipe-timeout" && !last) o.pipeTimeout = atoi(value());
    else if (a === "--stat") o.stat = true;
    else if (a === "--help") return { print: helpText() };
    else if (a === "-v" || a === "--version") return { print: `keyval-cli ${KEYVAL_VERSION}` };
    else if (a.startsWith("-")) {
      throw new UsageError(`Unrecognized option or bad number of args for: '${a}'`);
    } else break;
  }
  o.command = args.slice(i);
  return o;
}

/** C's atoi: leading digits (with a sign), 0 when there are none. */
function atoi(s: string): number {
  const m = s.trim().match(/^[+-]?\d+/);
  return m ? Number(m[0]) : 0;
}

/** The --help text. */
export function helpText(): string {
  return `keyval-cli ${KEYVAL_VERSION}

Usage: keyval-cli [OPTIONS] [cmd [arg [arg ...]]]
  -h, --host <hostname>  Server hostname (default: 127.0.0.1).
  -p, --port <port>      Server port (default: 6379).
  -r <repeat>            Execute specified command N times (-1: forever).
  -i <interval>          When -r is used, waits <interval> seconds per command.
                         It is possible to specify sub-second times like -i 0.1.
                         With --stat, the time between lines (default: 1).
  --raw                  Use raw formatting for replies (default when STDOUT is
                         not a tty).
  --no-raw               Force formatted output even when STDOUT is not a tty.
  --pipe                 Transfer raw RESP protocol from stdin to server.
  --pipe-timeout <n>     In --pipe mode, abort with error if after sending all data.
                         no reply is received within <n> seconds.
                         Default timeout: 30. Use 0 to wait forever.
  --stat                 Print rolling stats about server: mem, clients, ...
  --help                 Output this help and exit.
  -v, --version          Output version and exit.

Examples:
  keyval-cli -p 6379 set key value
  keyval-cli -r 100 -i 1 info | grep used_memory_human:
  cat data.resp | keyval-cli --pipe
  keyval-cli --stat

With no command, keyval-cli reads commands at a prompt (history in ~/.keyval_history, or
$KEYVAL_CLI_HISTFILE), or line by line from stdin when stdin is not a terminal.
Arguments are split as redis-cli splits them: "double quotes" with \\n \\xNN escapes, 'single'.
Type "quit" or "exit" (or ctrl-d) to leave.`;
}
