// keyval-cli driven as a user drives it, against redis-cli doing the same on the same keyval
// server: one-shot commands with stdout a pipe (raw form) and a terminal (`script`), commands
// read from stdin, -r, --pipe, --stat, and the interactive prompt typed into tmux (history with
// Up, line editing, quoting). Where both tools print the same thing, the outputs must be equal
// byte for byte; keyval-cli's own additions (Home/End, ctrl-c on a line) are checked alone.
// KEYVAL_CLI_CMD (a JSON array) replaces the CLI command, to test the bundle or the binary.
import assert from "node:assert/strict";
import { RawClient } from "../helpers/raw.ts";
import { startServer } from "../helpers/server.ts";
import { type Reply, ReplyParser } from "../../src/cli/resp.ts";

const ROOT = new URL("../../", import.meta.url).pathname;
const CLI = new URL("../../src/cli/main.ts", import.meta.url).pathname;

/** The command that runs keyval-cli. */
function cliCommand(): string[] {
  const custom = Deno.env.get("KEYVAL_CLI_CMD");
  if (custom) return JSON.parse(custom);
  return [
    Deno.execPath(),
    "run",
    "--allow-net",
    "--allow-env",
    "--allow-read",
    "--allow-write",
    CLI,
  ];
}

function has(tool: string, flag = "--version"): boolean {
  try {
    return new Deno.Command(tool, { args: [flag], stdout: "null", stderr: "null" }).outputSync()
      .success;
  } catch {
    return false;
  }
}

// CI installs redis-tools and tmux (.ci/run), so there a missing tool must fail, not skip.
const ignore = !(has("redis-cli") && has("tmux", "-V") && has("script")) && !Deno.env.get("CI");

/** A word quoted for sh. */
const q = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

interface Output {
  out: string;
  err: string;
  code: number;
}

/**
 * Runs a command. With `tty`, under `script`, so stdout (and stderr, merged) is a terminal;
 * `stdinFile` is then redirected inside, keeping stdin a file.
 */
async function run(
  argv: string[],
  options: { tty?: boolean; stdin?: string; stdinFile?: string } = {},
): Promise<Output> {
  let [cmd, ...args] = argv;
  if (options.tty) {
    const line = argv.map(q).join(" ") + (options.stdinFile ? ` < ${q(options.stdinFile)}` : "");
    [cmd, args] = ["script", ["-qec", line, "/dev/null"]];
  } else if (options.stdinFile) {
    options = { ...options, stdin: await Deno.readTextFile(options.stdinFile) };
  }
  const child = new Deno.Command(cmd, {
    args,
    cwd: ROOT,
    stdin: options.stdin === undefined ? "null" : "piped",
    stdout: "piped",
    stderr: "piped",
  }).spawn();
  if (options.stdin !== undefined) {
    const w = child.stdin.getWriter();
    await w.write(new TextEncoder().encode(options.stdin));
    await w.close();
  }
  const { code, stdout, stderr } = await child.output();
  const text = (b: Uint8Array) => {
    const s = new TextDecoder().decode(b);
    return options.tty ? s.replaceAll("\r\n", "\n") : s;
  };
  return { out: text(stdout), err: text(stderr), code };
}

/** redis-cli says "Redis" where keyval-cli says "keyval". */
const keyvalWording = (o: Output): Output => ({
  out: o.out.replaceAll("to Redis at", "to keyval at"),
  err: o.err.replaceAll("to Redis at", "to keyval at"),
  code: o.code,
});

/** Output without the `(0.52s)` lines both tools print after a command slower than 500 ms. */
const untimed = (s: string) => s.replace(/^\(\d+\.\d\ds\)\n/gm, "");

/** Runs `fn` for each item, a few at a time. */
async function parallel<T, R>(items: T[], n: number, fn: (t: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: n }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await fn(items[i]);
    }
  }));
  return results;
}

const BIN = '\x00\x01 tab\there "quoted" back\\slash \r\n\xe9\xff';

/** Keys every case may read. */
async function fixture(port: number): Promise<void> {
  const c = await RawClient.connect(port);
  try {
    await c.call("FLUSHALL");
    await c.call("SET", "str", "hello world");
    await c.call("SET", "bin", BIN);
    await c.call("SET", "num", "42");
    for (let i = 1; i <= 9; i++) await c.call("SET", `m${i}`, `v${i}`);
  } finally {
    c.close();
  }
}

/** A named check against a keyval server on `port` (holding the fixture when it starts). */
type Step = [string, (port: number) => Promise<void>];

/** One test that runs steps as subtests against one keyval server (each starts costs time). */
function testWithKeyval(name: string, steps: () => Step[]): void {
  Deno.test({
    name,
    ignore,
    fn: async (t) => {
      const server = await startServer();
      try {
        for (const [stepName, fn] of steps()) {
          await fixture(server.port);
          await t.step(stepName, () => fn(server.port));
        }
      } finally {
        await server.stop();
      }
    },
  });
}

// Read-only (or idempotent) commands, so both tools see the same data whatever the order.
const ONE_SHOT: string[][] = [
  ["get", "str"],
  ["get", "nokey"],
  ["set", "a"],
  ["mget", "m1", "m2", "m3", "nokey", "m4", "m5", "m6", "m7", "m8", "m9", "str", "num"],
  ["command", "info", "get", "set"],
  ["echo", "h\u00e9llo \u00fcnicode"],
];

const step1: Step = [
  "cli: one-shot commands print as redis-cli prints them, raw and on a terminal",
  async (port) => {
    const cases = ONE_SHOT.flatMap((args) => [
      { args, tty: false },
      { args, tty: true },
    ]);
    const outputs = await parallel(cases, 4, async ({ args, tty }) => ({
      redis: await run(["redis-cli", "-p", String(port), ...args], { tty }),
      keyval: await run([...cliCommand(), "-p", String(port), ...args], { tty }),
    }));
    for (const [i, { redis, keyval }] of outputs.entries()) {
      const { args, tty } = cases[i];
      assert.deepEqual(keyval, redis, `${tty ? "tty" : "raw"}: ${args.join(" ")}`);
    }
    // Not vacuous: the terminal form is the quoted one, the pipe form is not.
    const get = outputs[cases.findIndex((c) => c.args[1] === "str" && c.tty)].keyval.out;
    assert.equal(get, '"hello world"\n');
    const raw = outputs[cases.findIndex((c) => c.args[1] === "str" && !c.tty)].keyval.out;
    assert.equal(raw, "hello world\n");
  },
];

const step2: Step = ["cli: --raw and --no-raw force the form; -r and -i repeat", async (port) => {
  const p = ["-p", String(port)];
  assert.equal(
    (await run([...cliCommand(), ...p, "--no-raw", "get", "bin"])).out,
    [
      '"\\x00\\x01 tab\\there \\"quoted\\" back\\\\slash \\r\\n\\xe9\\xff"\n',
    ].join(""),
  );
  assert.equal(
    (await run([...cliCommand(), ...p, "--raw", "get", "str"], { tty: true })).out,
    "hello world\n",
  );
  for (const tty of [false, true]) {
    const args = ["-r", "3", "-i", "0.01", "incr", `counter-${tty}`];
    const redis = await run(["redis-cli", ...p, ...args], { tty });
    const c = await RawClient.connect(port);
    await c.call("DEL", `counter-${tty}`);
    c.close();
    const keyval = await run([...cliCommand(), ...p, ...args], { tty });
    assert.deepEqual(keyval, redis);
    assert.equal(keyval.out, tty ? "(integer) 1\n(integer) 2\n(integer) 3\n" : "1\n2\n3\n");
  }
}];

// Lines typed into stdin: quoting, escapes, bad quoting, a repeat count, blank lines.
const STDIN_LINES = [
  `set "a b" 'x y'`,
  `get "a b"`,
  `echo "\\x41\\x00\\n\\t\\"q\\""`,
  `echo 'it\\'s' "two words"`,
  `echo "unbalanced`,
  `echo "a"b`,
  `echo a"b c"`,
  ``,
  `   `,
  `3 echo again`,
  `nosuchcommand`,
  `mget m1 nokey m2`,
  `get bin`,
  `set fresh v`,
  `get nokey`,
  `command docs get`,
  `keys zz*`,
  `info keyspace`,
  `exists str num nokey`,
  `del nokey`,
  `ping`,
].join("\n") + "\n";

const step3: Step = [
  "cli: commands read from stdin split and print as in redis-cli",
  async (port) => {
    const file = await Deno.makeTempFile({ prefix: "keyval-cli-" });
    try {
      await Deno.writeTextFile(file, STDIN_LINES);
      for (const tty of [false, true]) {
        const redis = await run(["redis-cli", "-p", String(port)], { tty, stdinFile: file });
        const keyval = await run([...cliCommand(), "-p", String(port)], {
          tty,
          stdinFile: file,
        });
        const timeless = (o: Output) => ({ ...o, out: untimed(o.out) });
        assert.deepEqual(timeless(keyval), timeless(redis), tty ? "tty" : "raw");
        const echoed = tty ? '"x y"\n"A\\x00\\n\\t\\"q\\""\n' : 'x y\nA\x00\n\t"q"\n';
        assert.ok(keyval.out.includes(echoed), keyval.out);
        assert.match(keyval.out, /Invalid argument\(s\)\n.*Invalid argument\(s\)\n/s);
      }
    } finally {
      await Deno.remove(file);
    }
  },
];

/** RESP for commands given as words. */
const resp = (...commands: string[][]) =>
  commands.map((c) => `*${c.length}\r\n` + c.map((a) => `$${a.length}\r\n${a}\r\n`).join(""))
    .join("");

const step4: Step = [
  "cli: --pipe sends raw RESP from stdin and counts replies and errors as redis-cli",
  async (port) => {
    const load = resp(
      ...Array.from({ length: 500 }, (_, i) => ["SET", `p${i}`, `${i}`]),
      ["INCR", "str"],
      ["GET", "p7"],
    );
    const redis = await run(["redis-cli", "-p", String(port), "--pipe"], { stdin: load });
    await fixture(port);
    const keyval = await run([...cliCommand(), "-p", String(port), "--pipe"], { stdin: load });
    assert.deepEqual(keyval, redis);
    assert.equal(
      keyval.out,
      "All data transferred. Waiting for the last reply...\n" +
        "Last reply received from server.\nerrors: 1, replies: 502\n",
    );
    assert.equal(keyval.err, "ERR value is not an integer or out of range\n");
    assert.equal(keyval.code, 1);
    const c = await RawClient.connect(port);
    assert.equal(await c.call("GET", "p499"), "499");
    c.close();
  },
];

Deno.test({
  name: "cli: connection errors and bad options as redis-cli reports them",
  ignore,
  fn: async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = String((listener.addr as Deno.NetAddr).port);
    listener.close();
    for (const args of [["-p", port, "ping"], ["--bogus"], ["-p"]]) {
      const redis = keyvalWording(await run(["redis-cli", ...args]));
      const keyval = await run([...cliCommand(), ...args]);
      assert.deepEqual(keyval, redis, args.join(" "));
    }
    const refused = await run([...cliCommand(), "-p", port, "ping"]);
    assert.equal(
      refused.err,
      `Could not connect to keyval at 127.0.0.1:${port}: Connection refused\n`,
    );
    assert.equal(refused.code, 1);
    const help = await run([...cliCommand(), "--help"]);
    assert.match(help.out, /^keyval-cli .*\n\nUsage: keyval-cli \[OPTIONS\]/);
    assert.equal(help.code, 0);
  },
});

/** Reads a child's output until `lines` full lines arrived, then kills it. */
async function firstLines(argv: string[], lines: number): Promise<string[]> {
  const child = new Deno.Command("script", {
    args: ["-qec", argv.map(q).join(" "), "/dev/null"],
    cwd: ROOT,
    stdin: "piped",
    stdout: "piped",
    stderr: "null",
  }).spawn();
  let text = "";
  const decoder = new TextDecoder();
  const reader = child.stdout.getReader();
  while (text.split("\n").length <= lines) {
    const { value, done } = await reader.read();
    if (done) break;
    text += decoder.decode(value, { stream: true });
  }
  // script takes seconds over SIGTERM; killed, it closes the terminal and the CLI gets SIGHUP.
  child.kill("SIGKILL");
  await reader.cancel();
  await child.stdin.close().catch(() => {});
  await child.status;
  return text.replaceAll("\r\n", "\n").split("\n").slice(0, lines);
}

const step5: Step = [
  "cli: --stat prints redis-cli's header and a line per interval from INFO",
  async (port) => {
    const args = ["-p", String(port), "--stat", "-i", "0.05"];
    const redis = await firstLines(["redis-cli", ...args], 4);
    const keyval = await firstLines([...cliCommand(), ...args], 4);
    assert.deepEqual(keyval.slice(0, 2), redis.slice(0, 2));
    // 12 keys, one client (the CLI), and one more request (its own INFO) on each line.
    const row = /^12 {9}\S+ +1 {7}0 {7}(\d+) \(\+(\d+)\) +\d+ +$/;
    const [first, second] = keyval.slice(2).map((l) => l.match(row));
    assert.ok(first && second, keyval.join("\n"));
    assert.equal(first[2], "0");
    assert.equal(second[2], "1");
    assert.equal(Number(second[1]), Number(first[1]) + 1);
  },
];

/** A private tmux server whose sessions run the two clients. */
class Tmux {
  private socket = `keyval-cli-test-${Deno.pid}`;

  async cmd(...args: string[]): Promise<string> {
    const out = await new Deno.Command("tmux", {
      args: ["-L", this.socket, "-f", "/dev/null", ...args],
      stdout: "piped",
      stderr: "piped",
    }).output();
    if (!out.success) {
      throw new Error(`tmux ${args.join(" ")}: ${new TextDecoder().decode(out.stderr)}`);
    }
    return new TextDecoder().decode(out.stdout);
  }

  /** Starts a session running argv in a 100x50 terminal; its pane stays after it exits. */
  async start(name: string, argv: string[], env: Record<string, string>): Promise<void> {
    const line = ["env", ...Object.entries(env).map(([k, v]) => `${k}=${v}`), ...argv].map(q)
      .join(" ");
    await this.cmd(
      "new-session",
      "-d",
      "-s",
      name,
      "-x",
      "100",
      "-y",
      "50",
      "-c",
      ROOT,
      line,
      ";",
      "set-option",
      "-g",
      "remain-on-exit",
      "on",
    );
  }

  /** The pane's whole text, without tmux's exit note and trailing blank lines. */
  async screen(name: string): Promise<string> {
    const text = await this.cmd("capture-pane", "-p", "-S", "-", "-t", name);
    return untimed(text.replace(/\nPane is dead[^\n]*/, "")).trimEnd();
  }

  async dead(name: string): Promise<boolean> {
    return (await this.cmd("display-message", "-p", "-t", name, "#{pane_dead}")).trim() === "1";
  }

  /** Waits (up to 10 s) until `ready` holds for the pane's text. */
  async until(
    name: string,
    ready: (screen: string) => boolean | Promise<boolean>,
  ): Promise<string> {
    const deadline = Date.now() + 10_000;
    while (true) {
      const screen = await this.screen(name);
      if (await ready(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`tmux ${name} never got there:\n${screen}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Types keys (tmux key names such as Up or C-a, anything else typed literally). */
  async type(name: string, keys: string[]): Promise<void> {
    const args: string[] = [];
    for (const k of keys) {
      if (args.length) args.push(";");
      const named = /^(Up|Down|Left|Right|Home|End|BSpace|DC|Enter|C-[a-z])$/.test(k);
      args.push("send-keys", "-t", name, ...(named ? [k] : ["-l", k]));
    }
    await this.cmd(...args);
  }

  /** Types a line's keys, Enter, and waits for the prompt after its reply (`prompt` appears n times). */
  async line(name: string, keys: string[], prompt: string, n: number): Promise<void> {
    await this.type(name, [...keys, "Enter"]);
    await this.until(name, (s) => s.split(prompt).length - 1 >= n);
  }

  async close(): Promise<void> {
    await this.cmd("kill-server").catch(() => {});
  }
}

/** What is typed into both clients: editing keys both line editors share, history, quoting. */
const TYPED: string[][] = [
  [`set "a b" 'x y'`],
  [`get "a b"`],
  ["Up", "Up"], // the SET again
  ["get ab", "Left", "X", "C-a", "DC", "C-e", "BSpace"], // "et aX": an unknown command
  ["echo foo bar", "C-w", "baz"],
  ["echo hello world", "C-a", "Right", "Right", "Right", "Right", "Right", "C-k"],
  ["xx echo", "C-u", "echo yy"],
  ["echo left", "Left", "Left", "Left", "Left", "C-b", "C-f", "C-d", "C-t"],
  [`echo "\\x41\\n" 'it\\'s'`],
  [`echo "unbalanced`],
  ["auth secret"], // kept out of the history file
  ["mget nokey str", "Up", "Down"],
  ["C-p", "C-p", "C-p", "C-n"], // back to `echo "unbalanced`
  ["2 echo twice"],
];

const step6: Step = [
  "cli: the interactive prompt edits, recalls and splits lines as redis-cli's",
  async (port) => {
    const tmux = new Tmux();
    const dir = await Deno.makeTempDir({ prefix: "keyval-cli-" });
    try {
      // redis-cli's syntax hints would show while typing: its rc file turns them off.
      await Deno.writeTextFile(`${dir}/.redisclirc`, ":set nohints\n");
      const env = {
        HOME: dir,
        REDISCLI_HISTFILE: `${dir}/redis`,
        KEYVAL_CLI_HISTFILE: `${dir}/keyval`,
      };
      await tmux.start("redis", ["redis-cli", "-p", String(port)], env);
      await tmux.start("keyval", [...cliCommand(), "-p", String(port)], env);
      // capture-pane drops trailing spaces, so the prompt is looked for without its own.
      const prompt = `127.0.0.1:${port}>`;
      const screens: string[] = [];
      for (const name of ["redis", "keyval"]) {
        await tmux.until(name, (s) => s.includes(prompt));
        // Line by line: a key typed while the previous reply prints would race the terminal.
        for (const [i, keys] of TYPED.entries()) await tmux.line(name, keys, prompt, i + 2);
        await tmux.type(name, ["quit", "Enter"]);
        screens.push(await tmux.until(name, () => tmux.dead(name)));
      }
      const [redis, keyval] = screens;
      assert.equal(keyval, redis);
      assert.match(keyval, /> get "a b"\n"x y"\n.*> set "a b" 'x y'\nOK\n/);
      assert.match(keyval, /> et aX\n\(error\) ERR unknown command 'et'/);
      assert.match(keyval, /> echo foo baz\n/);
      assert.match(keyval, /> echo yy\n"yy"\n/);
      assert.match(
        keyval,
        /> echo "unbalanced\nInvalid argument\(s\)\n.*> echo "unbalanced\nInvalid/s,
      );
      assert.match(keyval, /"twice"\n"twice"\n/);
      const history = await Deno.readTextFile(`${dir}/keyval`);
      assert.match(history, /^mget nokey str$/m);
      assert.doesNotMatch(history, /auth/);
      assert.equal(
        await Deno.readTextFile(`${dir}/keyval`),
        await Deno.readTextFile(`${dir}/redis`),
      );
    } finally {
      await tmux.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
];

const step7: Step = [
  "cli: Home/End, ctrl-c and ctrl-d at the prompt; history survives a restart",
  async (port) => {
    const tmux = new Tmux();
    const dir = await Deno.makeTempDir({ prefix: "keyval-cli-" });
    try {
      const env = { HOME: dir, KEYVAL_CLI_HISTFILE: `${dir}/history` };
      // capture-pane drops trailing spaces, so the prompt is looked for without its own.
      const prompt = `127.0.0.1:${port}>`;
      await tmux.start("one", [...cliCommand(), "-p", String(port)], env);
      await tmux.until("one", (s) => s.includes(prompt));
      await tmux.line("one", ["cho b", "Home", "e", "End", "c"], prompt, 2); // echo bc
      await tmux.type("one", ["echo gone", "C-c"]); // clears the line: a fresh prompt
      await tmux.until("one", (s) => s.includes(`${prompt} echo gone^C\n${prompt}`));
      await tmux.line("one", ["get str"], prompt, 4);
      await tmux.type("one", ["C-d"]);
      const first = await tmux.until("one", () => tmux.dead("one"));
      assert.match(first, /> echo bc\n"bc"\n/);
      assert.match(first, /> get str\n"hello world"\n/);
      assert.equal(await Deno.readTextFile(`${dir}/history`), "echo bc\nget str\n");

      await tmux.start("two", [...cliCommand(), "-p", String(port)], env);
      await tmux.until("two", (s) => s.includes(prompt));
      await tmux.line("two", ["Up", "Up"], prompt, 2);
      await tmux.type("two", ["C-c"]); // on an empty line: leaves
      const second = await tmux.until("two", () => tmux.dead("two"));
      assert.match(second, /> echo bc\n"bc"\n/);
    } finally {
      await tmux.close();
      await Deno.remove(dir, { recursive: true });
    }
  },
];

testWithKeyval("cli: keyval-cli beside redis-cli, one-shot, stdin, --pipe, --stat", () => [
  step1,
  step2,
  step3,
  step4,
  step5,
]);

testWithKeyval("cli: the interactive prompt in tmux", () => [step6, step7]);

Deno.test("cli: the reply parser takes replies cut at any byte, and several in one chunk", () => {
  const wire = "*4\r\n$3\r\nfoo\r\n*2\r\n:-12\r\n*0\r\n$-1\r\n*3\r\n+OK\r\n-ERR bad\r\n" +
    "$4\r\na\r\nb\r\n*-1\r\n$0\r\n\r\n";
  const expected: Reply[] = [
    {
      type: "array",
      items: [
        { type: "bulk", text: "foo" },
        { type: "array", items: [{ type: "integer", text: "-12" }, { type: "array", items: [] }] },
        { type: "nil" },
        {
          type: "array",
          items: [{ type: "status", text: "OK" }, { type: "error", text: "ERR bad" }, {
            type: "bulk",
            text: "a\r\nb",
          }],
        },
      ],
    },
    { type: "nil" },
    { type: "bulk", text: "" },
  ];
  const bytes = new TextEncoder().encode(wire);
  for (let cut = 0; cut <= bytes.length; cut++) {
    const parser = new ReplyParser();
    const got: Reply[] = [];
    for (const part of [bytes.subarray(0, cut), bytes.subarray(cut)]) {
      parser.push(part);
      for (let r; (r = parser.next());) got.push(r);
    }
    assert.deepEqual(got, expected, `cut at ${cut}`);
    assert.equal(parser.buffered, 0);
  }
});
