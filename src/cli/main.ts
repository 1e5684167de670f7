// keyval-cli: a command-line client that behaves like redis-cli for what it offers. One command
// from the arguments, or a prompt (or stdin lines) with none; --pipe and --stat modes.
import { fromBytes, fromText, toText } from "../protocol/latin1.ts";
import { History, LineEditor } from "./editor.ts";
import { formatReply, isSensitive, type OutputMode, splitArgs } from "./format.ts";
import { pipeMode, print, printError, statMode } from "./modes.ts";
import { type CliOptions, parseOptions, UsageError } from "./options.ts";
import { Connection } from "./resp.ts";

/** An environment variable, or undefined when unset or when env access was not granted. */
function env(name: string): string | undefined {
  const granted = Deno.permissions.querySync({ name: "env", variable: name }).state === "granted";
  return granted ? Deno.env.get(name) : undefined;
}

/** A session with one server: connects lazily and again after the connection was lost. */
class Session {
  conn: Connection | null = null;

  constructor(public host: string, public port: number, readonly mode: OutputMode) {}

  /** Connects; on failure prints redis-cli's message and returns false. */
  async connect(): Promise<boolean> {
    this.conn?.close();
    this.conn = null;
    try {
      this.conn = await Connection.open(this.host, this.port);
      return true;
    } catch (err) {
      await printError(
        `Could not connect to keyval at ${this.address()}: ${(err as Error).message}\n`,
      );
      return false;
    }
  }

  /** `host:port`, with IPv6 hosts in brackets. */
  address(): string {
    return this.host.includes(":") ? `[${this.host}]:${this.port}` : `${this.host}:${this.port}`;
  }

  /**
   * Runs a command `repeat` times (-1: forever) `interval` seconds apart, printing each reply.
   * False when the connection failed (the message is printed already).
   */
  async run(argv: string[], repeat: number, interval: number): Promise<boolean> {
    if (!this.conn && !(await this.connect())) return false;
    const conn = this.conn!;
    const name = argv[0].toLowerCase();
    for (let n = 0; repeat < 0 || n < repeat; n++) {
      let reply;
      try {
        await conn.send(argv);
        reply = await conn.read();
      } catch {
        reply = null;
      }
      if (reply === null) {
        await printError("Error: Server closed the connection\n");
        conn.close();
        this.conn = null;
        return false;
      }
      const follows = reply.type !== "error" &&
        (name === "monitor" || name === "subscribe" || name === "psubscribe" ||
          name === "ssubscribe");
      // redis-cli announces subscriber mode before the first reply, on a terminal only.
      if (follows && name !== "monitor" && this.mode === "tty") {
        await print("Reading messages... (press Ctrl-C to quit)\n");
      }
      await print(formatReply(reply, this.mode, argv));
      if (follows) return await this.follow(conn, argv);
      if (interval > 0) await new Promise((r) => setTimeout(r, interval * 1000));
    }
    return true;
  }

  /** MONITOR and SUBSCRIBE: print what the server pushes until it closes the connection. */
  private async follow(conn: Connection, argv: string[]): Promise<boolean> {
    while (true) {
      const reply = await conn.read();
      if (reply === null) {
        await printError("Error: Server closed the connection\n");
        this.conn = null;
        return false;
      }
      await print(formatReply(reply, this.mode, argv));
    }
  }
}

/** The prompt and stdin-lines loop. Returns the exit code. */
async function repl(session: Session): Promise<number> {
  const interactive = Deno.stdin.isTerminal();
  await session.connect();
  let history: History | undefined;
  let editor: LineEditor | undefined;
  let lines: AsyncIterator<string> | undefined;
  if (interactive) {
    const home = env("HOME");
    history = new History(
      env("KEYVAL_CLI_HISTFILE") ?? (home ? `${home}/.keyval_history` : undefined),
    );
    history.load();
    editor = new LineEditor(history);
  } else {
    lines = stdinLines();
  }
  while (true) {
    let line: string | null;
    if (editor) {
      const text = await editor.readLine(
        session.conn ? `${session.address()}> ` : "not connected> ",
      );
      line = text === null ? null : fromText(text);
    } else {
      const next = await lines!.next();
      line = next.done ? null : next.value;
    }
    if (line === null) return 0;
    if (line === "") continue;
    const argv = splitArgs(line);
    if (argv === null) {
      history?.add(toText(line));
      await print("Invalid argument(s)\n");
      continue;
    }
    if (argv.length === 0) continue;
    // A leading count repeats the command: "3 incr x".
    const counted = argv.length > 1 && /^[+-]?\d+$/.test(argv[0]);
    const repeat = counted ? Number(argv[0]) : 1;
    const skip = counted ? 1 : 0;
    // As redis-cli, lines carrying a password stay out of the history file.
    if (!isSensitive(argv.slice(skip))) history?.add(toText(line));
    const cmd = argv[0].toLowerCase();
    if (cmd === "quit" || cmd === "exit") return 0;
    if (cmd === "clear" && argv.length === 1) {
      if (interactive) await print("\x1b[H\x1b[2J");
      continue;
    }
    if (cmd === "connect" && argv.length === 3) {
      session.host = argv[1];
      session.port = Number(argv[2]) || 0;
      await session.connect();
      continue;
    }
    if (repeat <= 0 || !Number.isSafeInteger(repeat)) {
      await print("Invalid keyval-cli repeat command option value.\n");
      continue;
    }
    const started = Date.now();
    await session.run(argv.slice(skip), repeat, 0);
    const elapsed = Date.now() - started;
    if (elapsed >= 500 && session.mode === "tty") {
      await print(`(${(elapsed / 1000).toFixed(2)}s)\n`);
    }
  }
}

/** Lines of stdin as byte strings (no UTF-8 decoding: arguments are bytes). */
async function* stdinLines(): AsyncGenerator<string> {
  let pending = "";
  for await (const chunk of Deno.stdin.readable) {
    pending += fromBytes(chunk);
    let from = 0;
    let nl: number;
    while ((nl = pending.indexOf("\n", from)) >= 0) {
      yield pending.slice(from, nl);
      from = nl + 1;
    }
    pending = pending.slice(from);
  }
  if (pending !== "") yield pending;
}

async function main(): Promise<number> {
  let options: CliOptions;
  try {
    const action = parseOptions(Deno.args);
    if ("print" in action) {
      console.log(action.print);
      return 0;
    }
    options = action;
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    await printError(err.message + "\n");
    return 1;
  }
  const mode: OutputMode = options.output ?? (Deno.stdout.isTerminal() ? "tty" : "raw");
  const session = new Session(options.host, options.port, mode);
  if (options.command.length === 0 && !options.pipe && !options.stat) return await repl(session);
  if (!(await session.connect())) return 1;
  if (options.pipe) return await pipeMode(session.conn!, options.pipeTimeout);
  if (options.stat) return await statMode(session.conn!, options.interval || 1);
  const argv = options.command.map(fromText);
  return (await session.run(argv, options.repeat, options.interval)) ? 0 : 1;
}

Deno.exit(await main());
