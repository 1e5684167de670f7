// RequestDecoder on its own: RESP2 and inline requests, Redis's protocol errors, requests split at
// every byte, pipelines, binary values, inline quoting, buffer growth and the promise never to
// allocate for a length a client only claims.
import assert from "node:assert/strict";
import {
  ARGS_AHEAD,
  type DecoderLimits,
  LOOKAHEAD,
  Lookahead,
  NEED_MORE,
  PROTOCOL_ERROR,
  REQUEST,
  RequestDecoder,
} from "../../src/protocol/decoder.ts";
import { bytesToLatin1, concat, encodeCommand, latin1ToBytes } from "../helpers/raw.ts";

const DEFAULTS: DecoderLimits = {
  maxLineBytes: 64 * 1024,
  maxValueBytes: 512 * 1024 * 1024,
  maxQueryBufferBytes: 1024 * 1024 * 1024,
};

/** One decoded request (argv as byte strings, and whether it was inline) or a protocol error. */
type Result = { argv: string[]; inline: boolean } | { error: string };

/** Feeds bytes the way a connection does and collects what the decoder makes of them. */
class Feeder {
  readonly decoder: RequestDecoder;
  readonly results: Result[] = [];
  failed = false;
  overLimit = false;

  constructor(limits: Partial<DecoderLimits> = {}) {
    this.decoder = new RequestDecoder({ ...DEFAULTS, ...limits });
  }

  /** Copies `bytes` in through `space()`/`commit()` in reads of at most `chunk` bytes. */
  feed(data: string | Uint8Array, chunk = Infinity): this {
    const bytes = typeof data === "string" ? latin1ToBytes(data) : data;
    let off = 0;
    while (off < bytes.length && !this.failed && !this.overLimit) {
      const space = this.decoder.space();
      const n = Math.min(space.length, chunk, bytes.length - off);
      space.set(bytes.subarray(off, off + n));
      off += n;
      if (!this.decoder.commit(n)) this.overLimit = true;
      else this.drain();
    }
    return this;
  }

  /** Decodes every complete request; arguments are copied out, as they only live until the
   * next `space()`. */
  private drain(): void {
    const d = this.decoder;
    for (;;) {
      const r = d.next();
      if (r === NEED_MORE) return;
      if (r === PROTOCOL_ERROR) {
        this.results.push({ error: d.error });
        this.failed = true;
        return;
      }
      assert.equal(r, REQUEST);
      const argv: string[] = [];
      for (let i = 0; i < d.argc; i++) {
        argv.push(bytesToLatin1(d.mem.bytes.subarray(d.starts[i], d.ends[i])));
      }
      this.results.push({ argv, inline: d.inline });
    }
  }

  /** The decoded argument vectors (fails the test on a protocol error). */
  argvs(): string[][] {
    return this.results.map((r) => {
      if ("error" in r) assert.fail(`unexpected protocol error: ${r.error}`);
      return r.argv;
    });
  }
}

function decode(data: string | Uint8Array, limits: Partial<DecoderLimits> = {}): string[][] {
  return new Feeder(limits).feed(data).argvs();
}

/** The protocol error `data` produces, after checking everything before it decoded cleanly. */
function errorOf(data: string | Uint8Array, limits: Partial<DecoderLimits> = {}): string {
  const f = new Feeder(limits).feed(data);
  const last = f.results.at(-1);
  assert.ok(last !== undefined && "error" in last, `expected a protocol error for ${data}`);
  return last.error;
}

const utf8 = (s: string) => bytesToLatin1(new TextEncoder().encode(s));

Deno.test("RESP arrays decode into argv; inline lines too, with CRLF or bare LF", () => {
  const f = new Feeder().feed("*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nGET k\r\nPING\n");
  assert.deepEqual(f.results, [
    { argv: ["SET", "k", "hello"], inline: false },
    { argv: ["GET", "k"], inline: true },
    { argv: ["PING"], inline: true },
  ]);
  assert.deepEqual(decode("*1\r\n$0\r\n\r\n"), [[""]], "an empty bulk string is an argument");
  // A request is complete only with the two bytes after its last bulk, as in Redis.
  const g = new Feeder().feed("*1\r\n$4\r\nPING");
  assert.equal(g.results.length, 0);
  g.feed("\r");
  assert.equal(g.results.length, 0);
  g.feed("\n");
  assert.deepEqual(g.argvs(), [["PING"]]);
});

Deno.test("every protocol error has Redis's exact text", () => {
  const long = "1".repeat(64 * 1024 + 1);
  const cases: [string, string][] = [
    ["*1\r\n$abc\r\n", "invalid bulk length"],
    ["*1\r\n$-1\r\n", "invalid bulk length"],
    ["*1\r\n$\r\n", "invalid bulk length"],
    ["*1\r\n$04\r\n", "invalid bulk length"],
    ["*1\r\n$536870913\r\n", "invalid bulk length"],
    ["*1\r\n$9223372036854775808\r\n", "invalid bulk length"],
    ["*abc\r\n", "invalid multibulk length"],
    ["*\r\n", "invalid multibulk length"],
    ["*01\r\n", "invalid multibulk length"],
    ["*+1\r\n", "invalid multibulk length"],
    ["*-0\r\n", "invalid multibulk length"],
    ["*1 \r\n", "invalid multibulk length"],
    ["*2147483648\r\n", "invalid multibulk length"],
    ["*-9223372036854775809\r\n", "invalid multibulk length"],
    ["*1\n$4\r\nPING\r\n", "invalid multibulk length"],
    ["*1\r\nx4\r\nPING\r\n", "expected '$', got 'x'"],
    ["*2\r\n$4\r\nECHO\r\n:1\r\n", "expected '$', got ':'"],
    ['ECHO "abc\r\n', "unbalanced quotes in request"],
    ["ECHO 'abc\r\n", "unbalanced quotes in request"],
    ['ECHO "abc"def\r\n', "unbalanced quotes in request"],
    ["ECHO 'abc'def\r\n", "unbalanced quotes in request"],
    ['ECHO "a\\\r\n', "unbalanced quotes in request"],
    ["x".repeat(64 * 1024 + 1), "too big inline request"],
    ["x".repeat(64 * 1024 + 1) + "\r\n", "too big inline request"],
    ["*" + long, "too big mbulk count string"],
    ["*1\r\n$" + long, "too big bulk count string"],
    // The CR came, so the line is read and its number refused, as Redis does.
    ["*" + long + "\r\n", "invalid multibulk length"],
    ["*1\r\n$" + long + "\r\n", "invalid bulk length"],
  ];
  for (const [input, error] of cases) {
    assert.equal(errorOf(input), error, JSON.stringify(input.slice(0, 40)));
  }
  // Requests before the bad one were decoded; nothing after it is.
  const f = new Feeder().feed("PING\r\n*1\r\n$4\r\nPING\r\n*1\r\n$x\r\nPING\r\n");
  assert.deepEqual(f.results, [
    { argv: ["PING"], inline: true },
    { argv: ["PING"], inline: false },
    { error: "invalid bulk length" },
  ]);
});

Deno.test("bulk lengths past --max-value-bytes are invalid; up to it they are waited for", () => {
  assert.equal(errorOf("*1\r\n$11\r\n", { maxValueBytes: 10 }), "invalid bulk length");
  assert.deepEqual(decode("*1\r\n$10\r\n0123456789\r\n", { maxValueBytes: 10 }), [["0123456789"]]);
});

Deno.test("empty lines, blank inline lines, *0 and *-1 are skipped without a request", () => {
  const input = "\r\n\n   \r\n\t\n*0\r\n*-1\r\n*-5\r\n*-9223372036854775808\r\nPING\r\n*0\r\n";
  assert.deepEqual(decode(input), [["PING"]]);
  // Skipping still consumes: the decoder goes idle with nothing buffered.
  const f = new Feeder().feed("*0\r\n\r\n");
  assert.equal(f.results.length, 0);
  assert.equal(f.decoder.buffered, 0);
});

Deno.test("the 18- to 20-character lengths follow string2ll's int64 range", () => {
  assert.deepEqual(decode("*-1000000000000000000\r\n*-9223372036854775808\r\nPING\r\n"), [[
    "PING",
  ]]);
  assert.equal(errorOf("*-9999999999999999999\r\n"), "invalid multibulk length");
  assert.equal(errorOf("*-10000000000000000000\r\n"), "invalid multibulk length");
  assert.equal(errorOf("*9223372036854775807\r\n"), "invalid multibulk length");
});

/** A script mixing both protocols, quoting, binary values and skipped requests. */
const SCRIPT = [
  "*3\r\n$3\r\nSET\r\n$4\r\nk\r\n1\r\n$5\r\nv\0\r\nx\r\n",
  'GET "k\\r\\n1"\r\n',
  "\r\n",
  "*0\r\n",
  "MSET 'a b' \"c\\x00d\"   e\t\tf\n",
  "*2\r\n$4\r\nECHO\r\n$0\r\n\r\n",
  "*1\r\n$4\r\nPING\r\n",
].join("");
const SCRIPT_ARGV = [
  ["SET", "k\r\n1", "v\0\r\nx"],
  ["GET", "k\r\n1"],
  ["MSET", "a b", "c\0d", "e", "f"],
  ["ECHO", ""],
  ["PING"],
];

Deno.test("a script split in two at every byte decodes the same", () => {
  const bytes = latin1ToBytes(SCRIPT);
  assert.deepEqual(decode(bytes), SCRIPT_ARGV);
  for (let split = 1; split < bytes.length; split++) {
    const f = new Feeder().feed(bytes.subarray(0, split)).feed(bytes.subarray(split));
    assert.deepEqual(f.argvs(), SCRIPT_ARGV, `split at ${split}`);
  }
});

Deno.test("a script fed one byte at a time decodes the same", () => {
  const f = new Feeder().feed(SCRIPT, 1);
  assert.deepEqual(f.argvs(), SCRIPT_ARGV);
  assert.equal(f.decoder.buffered, 0);
});

Deno.test("protocol errors are found however the bytes are split", () => {
  const bad = "PING\r\n*2\r\n$4\r\nECHO\r\n$abc\r\n";
  for (let chunk = 1; chunk <= bad.length; chunk++) {
    const f = new Feeder().feed(bad, chunk);
    assert.deepEqual(f.results, [
      { argv: ["PING"], inline: true },
      { error: "invalid bulk length" },
    ], `reads of ${chunk}`);
  }
  const long = "x".repeat(100);
  for (const chunk of [1, 7, 64]) {
    assert.deepEqual(new Feeder({ maxLineBytes: 50 }).feed(long, chunk).results, [
      { error: "too big inline request" },
    ]);
  }
});

Deno.test("line limits count the text without CRLF, however the bytes arrive", () => {
  const max = 32;
  const fits = "x".repeat(max);
  for (const chunk of [1, 5, Infinity]) {
    // A CR with no byte after it yet is waited on, even at the limit.
    const waiting = new Feeder({ maxLineBytes: max }).feed("*1\r\n$" + "1".repeat(max - 1) + "\r");
    assert.deepEqual(waiting.results, []);
    const f = new Feeder({ maxLineBytes: max }).feed(`${fits}\r\n${fits}\n`, chunk);
    assert.deepEqual(f.argvs(), [[fits], [fits]], `reads of ${chunk}`);
    const g = new Feeder({ maxLineBytes: max }).feed(`${fits}x\r\n`, chunk);
    assert.deepEqual(g.results, [{ error: "too big inline request" }], `reads of ${chunk}`);
    const header = "*1\r\n$" + "0".repeat(max - 2) + "1\r\nx\r\n";
    assert.deepEqual(new Feeder({ maxLineBytes: max }).feed(header, chunk).results, [
      { error: "invalid bulk length" },
    ], "a header at the limit is read (and its leading zeros refused)");
    // As in Redis, a header is too big when no CR came within the limit; a longer header whose
    // CR came in the same read is refused as a malformed number instead.
    const over = "*1\r\n$" + "1".repeat(max + 10) + "\r\n";
    assert.deepEqual(new Feeder({ maxLineBytes: max }).feed(over, chunk).results, [
      { error: chunk === Infinity ? "invalid bulk length" : "too big bulk count string" },
    ], `reads of ${chunk}`);
  }
});

Deno.test("1,000 pipelined requests in one read decode in order", () => {
  const parts: Uint8Array[] = [];
  for (let i = 0; i < 1000; i++) {
    parts.push(
      i % 2 ? encodeCommand(["SET", `key:${i}`, `value:${i}`]) : latin1ToBytes(`GET key:${i}\r\n`),
    );
  }
  const f = new Feeder().feed(concat(parts));
  assert.equal(f.results.length, 1000);
  f.argvs().forEach((argv, i) => {
    assert.deepEqual(argv, i % 2 ? ["SET", `key:${i}`, `value:${i}`] : ["GET", `key:${i}`]);
  });
});

Deno.test("bulk values are binary-safe: CR, LF, NUL and every byte value", () => {
  const every = String.fromCharCode(...Array.from({ length: 256 }, (_, i) => i));
  const values = ["\r\n", "\0", "a\r\nb\0c", "*1\r\n$4\r\nPING\r\n", every, "\r\n".repeat(100)];
  for (const v of values) {
    assert.deepEqual(decode(encodeCommand(["SET", "k", v])), [["SET", "k", v]]);
  }
  // The two bytes after a bulk are taken as its CRLF without looking, as Redis does.
  assert.deepEqual(decode("*1\r\n$4\r\nPINGxx*1\r\n$4\r\nPING\r\n"), [["PING"], ["PING"]]);
});

Deno.test("inline quoting, escapes and separators follow sdssplitargs", () => {
  const cases: [string, string[]][] = [
    [`SET "a b" 'c d'`, ["SET", "a b", "c d"]],
    [`ECHO "a\\x41\\x4g\\n\\r\\t\\b\\a\\q\\\\\\""`, ["ECHO", 'aAx4g\n\r\t\b\x07q\\"']],
    [`ECHO "\\x00\\xfF\\xZZ"`, ["ECHO", "\0\xffxZZ"]],
    [`ECHO 'it\\'s' 'a\\nb' 'x"y'`, ["ECHO", "it's", "a\\nb", 'x"y']],
    [`ECHO "" ''`, ["ECHO", "", ""]],
    [`ECHO a"b c" d'e'`, ["ECHO", "ab c", "de"]],
    [`  ECHO\t\ta \x0b b  `, ["ECHO", "a", "b"]],
    [`ECHO a\x0bb a\rb`, ["ECHO", "a\x0bb", "a", "b"]],
    [`ECHO "a"\x0b'b'\x0c`, ["ECHO", "a", "b"]],
    [`ECHO \\x41 a\\b`, ["ECHO", "\\x41", "a\\b"]],
    [utf8(`SET clé "naïve ☃ \\xe2\\x98\\x83"`), ["SET", utf8("clé"), utf8("naïve ☃ ☃")]],
  ];
  for (const [line, argv] of cases) {
    assert.deepEqual(decode(line + "\r\n"), [argv], JSON.stringify(line));
  }
});

Deno.test("a NUL ends an inline line as it ends sdssplitargs's C string", () => {
  assert.deepEqual(decode("PING\0 junk\r\nECHO a\0b\r\n"), [["PING"], ["ECHO", "a"]]);
  assert.deepEqual(decode('ECHO "ab"\0x\n'), [["ECHO", "ab"]]);
  assert.equal(errorOf('ECHO "a\0b"\r\n'), "unbalanced quotes in request");
  assert.equal(errorOf("ECHO 'a\0b'\r\n"), "unbalanced quotes in request");
});

Deno.test("a 10 MB bulk fed in 64 KiB reads grows the buffer and decodes exactly", () => {
  const size = 10 * 1024 * 1024;
  const value = new Uint8Array(size);
  for (let i = 0; i < size; i++) value[i] = (i * 31 + (i >> 8)) & 0xff;
  const request = encodeCommand(["SET", "big", value]);
  const d = new RequestDecoder(DEFAULTS);
  const start = d.mem.bytes.length;
  let requests = 0;
  for (let off = 0; off < request.length;) {
    const space = d.space();
    const n = Math.min(space.length, 64 * 1024, request.length - off);
    space.set(request.subarray(off, off + n));
    off += n;
    assert.ok(d.commit(n));
    for (let r; (r = d.next()) !== NEED_MORE;) {
      assert.equal(r, REQUEST);
      requests++;
      assert.equal(d.argc, 3);
      assert.equal(d.ends[2] - d.starts[2], size);
      const got = d.mem.bytes.subarray(d.starts[2], d.ends[2]);
      assert.equal(got.findIndex((b, i) => b !== value[i]), -1, "the value is exact");
    }
  }
  assert.equal(requests, 1);
  const grown = d.mem.bytes.length;
  assert.ok(grown >= request.length, "the buffer grew to hold the request");
  assert.ok(grown <= 2 * request.length + 64 * 1024, `the buffer grew by doubling, to ${grown}`);
  // Idle again: the next read gives the memory back.
  d.space();
  assert.equal(d.mem.bytes.length, start);
});

Deno.test("a claimed length is never allocated: the buffer grows with bytes that arrive", () => {
  for (const header of ["*1\r\n$536870000\r\n", "*2147483647\r\n$536870000\r\n"]) {
    const f = new Feeder().feed(header + "abc");
    const d = f.decoder;
    assert.equal(f.results.length, 0);
    for (let i = 0; i < 3; i++) {
      const space = d.space();
      assert.ok(space.length <= 64 * 1024, `space() is ${space.length} bytes`);
      assert.ok(d.mem.bytes.length <= 64 * 1024, `buffer is ${d.mem.bytes.length} bytes`);
    }
    // 100 KiB more of it: the buffer follows the data, not the claim.
    f.feed(new Uint8Array(100 * 1024), 4096);
    assert.ok(d.mem.bytes.length <= 512 * 1024, `buffer is ${d.mem.bytes.length} bytes`);
    assert.equal(f.results.length, 0);
  }
});

Deno.test("the buffer never grows far past the query buffer limit", () => {
  const limit = 64 * 1024;
  const d = new RequestDecoder({ ...DEFAULTS, maxQueryBufferBytes: limit });
  const header = latin1ToBytes("*1\r\n$1000000\r\n");
  d.space().set(header);
  assert.ok(d.commit(header.length));
  assert.equal(d.next(), NEED_MORE);
  let within = true;
  while (within) {
    const space = d.space();
    space.fill(120);
    within = d.commit(space.length);
    assert.equal(d.next(), NEED_MORE);
  }
  assert.ok(d.buffered > limit);
  assert.ok(d.mem.bytes.length <= limit + 8 * 1024, `buffer is ${d.mem.bytes.length} bytes`);
});

Deno.test("commit() reports the query buffer limit on unprocessed bytes only", () => {
  const f = new Feeder({ maxQueryBufferBytes: 1024 });
  // Complete requests are consumed as they arrive, so many small ones never add up.
  for (let i = 0; i < 100; i++) f.feed(encodeCommand(["SET", "k", "v".repeat(100)]));
  assert.equal(f.results.length, 100);
  assert.equal(f.overLimit, false);
  f.feed("*1\r\n$5000\r\n" + "x".repeat(1000));
  assert.equal(f.overLimit, false, "1,000 pending bytes are within the limit");
  f.feed("x".repeat(100));
  assert.equal(f.overLimit, true);
});

Deno.test("arguments stay correct when the buffer compacts under a partial request", () => {
  // Many small reads push a request that straddles the end of the buffer to its front.
  const request = latin1ToBytes(
    Array.from({ length: 500 }, (_, i) => `SET key${i} "v a l ${i}"\r\n`).join("") +
      "*3\r\n$3\r\nSET\r\n$3\r\nend\r\n$" + 20000 + "\r\n" + "z".repeat(20000) + "\r\n",
  );
  for (const chunk of [333, 4097]) {
    const argvs = new Feeder().feed(request, chunk).argvs();
    assert.equal(argvs.length, 501);
    assert.deepEqual(argvs[499], ["SET", "key499", "v a l 499"]);
    assert.deepEqual(argvs[500], ["SET", "end", "z".repeat(20000)]);
  }
});

/** A decoder holding `data`, nothing decoded yet. */
function holding(data: string | Uint8Array): RequestDecoder {
  const d = new RequestDecoder(DEFAULTS);
  const bytes = typeof data === "string" ? latin1ToBytes(data) : data;
  for (let off = 0; off < bytes.length;) {
    const space = d.space();
    const n = Math.min(space.length, bytes.length - off);
    space.set(bytes.subarray(off, off + n));
    assert.ok(d.commit(n));
    off += n;
  }
  return d;
}

/** What `peek` found: each request's arguments. */
function peeked(d: RequestDecoder): string[][] {
  const ahead = new Lookahead();
  const n = d.peek(ahead);
  assert.equal(ahead.count, n);
  return Array.from({ length: n }, (_, i) => {
    return Array.from({ length: ahead.argc[i] }, (_, a) => {
      const at = ahead.first[i] + a;
      return bytesToLatin1(d.mem.bytes.subarray(ahead.starts[at], ahead.ends[at]));
    });
  });
}

Deno.test("peek finds the arguments of each complete request, and decodes nothing", () => {
  const pipeline = concat([
    encodeCommand(["SET", "k1", "v1"]),
    encodeCommand(["get", "k\r\n2"]),
    encodeCommand(["PING"]),
    encodeCommand(["MGET", "a", "b", "c"]),
    latin1ToBytes("*2\r\n$3\r\nGET\r\n$2\r\nk"),
  ]);
  const d = holding(pipeline);
  const expected = [["SET", "k1", "v1"], ["get", "k\r\n2"], ["PING"], ["MGET", "a", "b", "c"]];
  assert.deepEqual(peeked(d), expected);
  assert.deepEqual(peeked(d), expected, "peeking again finds the same");
  const argvs: string[][] = [];
  while (d.next() === REQUEST) {
    argvs.push(Array.from({ length: d.argc }, (_, i) => {
      return bytesToLatin1(d.mem.bytes.subarray(d.starts[i], d.ends[i]));
    }));
  }
  assert.deepEqual(argvs, [["SET", "k1", "v1"], ["get", "k\r\n2"], ["PING"], [
    "MGET",
    "a",
    "b",
    "c",
  ]]);
  assert.deepEqual(peeked(d), [], "the incomplete request is not peeked");
});

Deno.test("peek stops at an inline line and an empty array, and at LOOKAHEAD or ARGS_AHEAD", () => {
  assert.deepEqual(peeked(holding("GET a\r\n" + "*2\r\n$3\r\nGET\r\n$1\r\nb\r\n")), []);
  assert.deepEqual(peeked(holding("*2\r\n$3\r\nGET\r\n$1\r\nb\r\nGET a\r\n")), [["GET", "b"]]);
  assert.deepEqual(peeked(holding("*0\r\n*2\r\n$3\r\nGET\r\n$1\r\nb\r\n")), []);
  const many = concat(Array.from({ length: 50 }, (_, i) => encodeCommand(["GET", `k${i}`])));
  const found = peeked(holding(many));
  assert.equal(found.length, LOOKAHEAD);
  assert.deepEqual(found.at(-1), ["GET", `k${LOOKAHEAD - 1}`]);
  // Requests are taken whole: the one whose arguments would pass ARGS_AHEAD is left out.
  const big = encodeCommand(["MSET", ...Array.from({ length: 200 }, (_, i) => `k${i}`)]);
  assert.deepEqual(peeked(holding(concat([big, big, big]))).map((r) => r.length), [201, 201]);
  const huge = encodeCommand(["MGET", ...Array.from({ length: ARGS_AHEAD }, (_, i) => `k${i}`)]);
  assert.deepEqual(peeked(holding(huge)), []);
});

Deno.test("peek reads no header past 20 chars, and midRequest tells a partly decoded request", () => {
  const get = "*2\r\n$3\r\nGET\r\n$1\r\nk\r\n";
  assert.deepEqual(peeked(holding("*" + "2".repeat(21) + "\r\n" + get)), []);
  assert.deepEqual(peeked(holding("*" + "1".repeat(21))), [], "no CR yet, and too long anyway");
  assert.deepEqual(peeked(holding(get + "*2\r\n$" + "1".repeat(21) + "\r\n")), [["GET", "k"]]);
  assert.deepEqual(peeked(holding("*00000000000000000002\r\n$3\r\nGET\r\n$1\r\nk\r\n")), [
    ["GET", "k"],
  ], "20 chars after the '*' are read");
  const d = holding("*2\r\n$3\r\nGET\r\n$1\r");
  assert.equal(d.midRequest, false);
  assert.equal(d.next(), NEED_MORE);
  assert.equal(d.midRequest, true);
  d.space().set(latin1ToBytes("\nk\r\n"));
  d.commit(4);
  assert.equal(d.next(), REQUEST);
  assert.equal(d.midRequest, false);
});

Deno.test("peek never reads past the bytes received, whatever they hold", () => {
  // Pipelines of valid requests with bytes changed at random and cut short: peek must neither
  // throw nor return a span outside the bytes received, and decoding must find what it would
  // have found without it.
  const noise = "*$\r\n0123456789-x ";
  let seed = 7;
  const random = (n: number) =>
    Math.floor((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32 * n);
  let peekedInAll = 0;
  for (let run = 0; run < 2000; run++) {
    const requests = Array.from({ length: 1 + random(6) }, () => {
      return encodeCommand(Array.from({ length: 1 + random(4) }, () => "k".repeat(random(12))));
    });
    const bytes = concat(requests).slice();
    for (let i = random(4); i > 0; i--) {
      bytes[random(bytes.length)] = noise.charCodeAt(random(noise.length));
    }
    const text = bytesToLatin1(bytes.subarray(0, bytes.length - random(8)));
    const d = holding(text);
    const ahead = new Lookahead();
    const n = d.peek(ahead);
    peekedInAll += n;
    const args = n === 0 ? 0 : ahead.first[n - 1] + ahead.argc[n - 1];
    for (let at = 0; at < args; at++) {
      const s = ahead.starts[at];
      const e = ahead.ends[at];
      assert.ok(
        0 <= s && s <= e && e <= d.buffered,
        `span [${s}, ${e}) in ${JSON.stringify(text)}`,
      );
    }
    const f = new Feeder().feed(text);
    const results: Result[] = [];
    for (;;) {
      const r = d.next();
      if (r === NEED_MORE) break;
      if (r === PROTOCOL_ERROR) {
        results.push({ error: d.error });
        break;
      }
      const argv = Array.from({ length: d.argc }, (_, i) => {
        return bytesToLatin1(d.mem.bytes.subarray(d.starts[i], d.ends[i]));
      });
      results.push({ argv, inline: d.inline });
    }
    assert.deepEqual(results, f.results, JSON.stringify(text));
  }
  assert.ok(peekedInAll > 2000, `${peekedInAll} requests peeked in all`);
});
