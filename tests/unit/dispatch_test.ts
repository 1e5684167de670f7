// dispatch() on its own, in process: a command whose reply would pass the writer's limit gets an
// error instead of a partial reply (which would desynchronise the client) or a crash.
import assert from "node:assert/strict";
import { parseConfig } from "../../src/config.ts";
import { Server } from "../../src/server.ts";
import { type ClientState, Context } from "../../src/commands/context.ts";
import { dispatch } from "../../src/commands/table.ts";
import { RequestDecoder } from "../../src/protocol/decoder.ts";
import { ReplyWriter } from "../../src/protocol/encoder.ts";
import { REPLY_TOO_LARGE } from "../../src/commands/replies.ts";
import { bytesToLatin1, encodeCommand } from "../helpers/raw.ts";

/** Runs each request through dispatch with a writer limited to `maxBytes`; the reply bytes. */
function run(server: Server, maxBytes: number, ...requests: string[][]): string {
  const out = new ReplyWriter(server.stats, maxBytes);
  const client = { id: 1, lastCommand: "", name: "" } as unknown as ClientState;
  const cx = new Context(out, server, client);
  const decoder = new RequestDecoder(server.config);
  for (const args of requests) {
    decoder.feed(encodeCommand(args));
    assert.ok(decoder.next() > 0);
    cx.argc = decoder.argc;
    cx.inline = decoder.inline;
    cx.mem = decoder.mem;
    cx.starts = decoder.starts;
    cx.ends = decoder.ends;
    dispatch(cx);
  }
  return bytesToLatin1(out.take());
}

Deno.test("a reply past the writer's limit becomes an error and nothing of it is sent", () => {
  const config = parseConfig(["--port", "0", "--metrics-bind", "off"], {});
  if (config === "help") throw new Error("unexpected help");
  const server = new Server(config);
  const members = Array.from({ length: 500 }, (_, i) => `member-${i}`.padEnd(20, "."));
  // Room for the pushes' replies and the error, not for 500 members of 20 bytes.
  const wire = run(server, 4096, ["RPUSH", "l", ...members], ["LRANGE", "l", "0", "-1"], [
    "LLEN",
    "l",
  ]);
  assert.equal(wire, `:500\r\n-${REPLY_TOO_LARGE}\r\n:500\r\n`);
  // Within the limit the same reply goes out whole.
  const whole = run(server, 1 << 20, ["LRANGE", "l", "0", "1"]);
  assert.equal(whole, `*2\r\n$20\r\n${members[0]}\r\n$20\r\n${members[1]}\r\n`);
});

Deno.test("a pop whose reply passes the limit removes nothing (LPOP, RPOP, SPOP with a count)", () => {
  const config = parseConfig(["--port", "0", "--metrics-bind", "off"], {});
  if (config === "help") throw new Error("unexpected help");
  const server = new Server(config);
  const members = Array.from({ length: 500 }, (_, i) => `member-${i}`.padEnd(20, "."));
  const error = `-${REPLY_TOO_LARGE}\r\n`;
  const wire = run(
    server,
    4096,
    ["RPUSH", "l", ...members],
    ["LPOP", "l", "400"],
    ["RPOP", "l", "400"],
    ["LLEN", "l"],
    ["SADD", "s", ...members],
    ["SPOP", "s", "400"],
    ["SCARD", "s"],
  );
  assert.equal(wire, `:500\r\n${error}${error}:500\r\n:500\r\n${error}:500\r\n`);
  // Within the limit they pop and reply as before: from the front, and from the back.
  const ok = run(server, 1 << 20, ["LPOP", "l", "2"], ["RPOP", "l", "1"], ["LLEN", "l"]);
  const bulk = (m: string) => `$20\r\n${m}\r\n`;
  assert.equal(
    ok,
    `*2\r\n${bulk(members[0])}${bulk(members[1])}*1\r\n${bulk(members[499])}:497\r\n`,
  );
});
