// parseConfig on its own: defaults, every flag, KEYVAL_BIND, flags beating the environment, bad
// values and --help.
import assert from "node:assert/strict";
import {
  type Config,
  ConfigError,
  DEFAULT_HOST,
  DEFAULT_PORT,
  defaultConfig,
  helpText,
  parseConfig,
} from "../../src/config.ts";

/** parseConfig that must succeed with a Config. */
function parse(args: string[], env: Record<string, string | undefined> = {}): Config {
  const c = parseConfig(args, env);
  assert.notEqual(c, "help");
  return c as Config;
}

const DEFAULTS: Config = {
  host: "127.0.0.1",
  port: 6379,
  maxLineBytes: 64 * 1024,
  maxValueBytes: 512 * 1024 * 1024,
  maxQueryBufferBytes: 1024 * 1024 * 1024,
  maxClients: 10_000,
  janitorIntervalMs: 100,
  slowlogLogSlowerThan: 10_000,
  slowlogMaxLen: 128,
  latencyMonitorThreshold: 0,
  latencyTracking: true,
  latencyTrackingInfoPercentiles: [50, 99, 99.9],
  metricsBind: { host: "127.0.0.1", port: 9100 },
};

Deno.test("no flags and no environment give the documented defaults", () => {
  assert.deepEqual(parse([]), DEFAULTS);
  assert.deepEqual(parse([], { KEYVAL_BIND: "" }), DEFAULTS, "an empty KEYVAL_BIND is unset");
  assert.deepEqual(defaultConfig(), DEFAULTS);
  assert.deepEqual(defaultConfig({ port: 0 }), { ...DEFAULTS, port: 0 });
  assert.equal(DEFAULT_HOST, DEFAULTS.host);
  assert.equal(DEFAULT_PORT, DEFAULTS.port);
});

Deno.test("each flag sets its setting, in both --flag N and --flag=N forms", () => {
  const cases: [string, keyof Config, string, string | number][] = [
    ["--bind", "host", "0.0.0.0", "0.0.0.0"],
    ["--port", "port", "0", 0],
    ["--port", "port", "65535", 65535],
    ["--max-line-bytes", "maxLineBytes", "1024", 1024],
    ["--max-value-bytes", "maxValueBytes", "1048576", 1048576],
    ["--max-query-buffer-bytes", "maxQueryBufferBytes", "4096", 4096],
    ["--max-clients", "maxClients", "2", 2],
    ["--janitor-interval-ms", "janitorIntervalMs", "250", 250],
  ];
  for (const [flag, key, text, value] of cases) {
    assert.deepEqual(parse([flag, text]), { ...DEFAULTS, [key]: value }, `${flag} ${text}`);
    assert.deepEqual(parse([`${flag}=${text}`]), { ...DEFAULTS, [key]: value }, `${flag}=${text}`);
  }
  assert.deepEqual(parse(["--max-clients", "5", "--janitor-interval-ms", "10", "--port", "7000"]), {
    ...DEFAULTS,
    maxClients: 5,
    janitorIntervalMs: 10,
    port: 7000,
  });
});

Deno.test("addresses: host, host:port, IPv6 bare and in brackets", () => {
  const cases: [string, string, number][] = [
    ["10.1.2.3", "10.1.2.3", 6379],
    ["10.1.2.3:7000", "10.1.2.3", 7000],
    ["localhost:0", "localhost", 0],
    ["::1", "::1", 6379],
    ["[::1]", "::1", 6379],
    ["[::1]:7001", "::1", 7001],
    ["[fe80::1%eth0]:7002", "fe80::1%eth0", 7002],
  ];
  for (const [text, host, port] of cases) {
    assert.deepEqual(parse(["--bind", text]), { ...DEFAULTS, host, port }, `--bind ${text}`);
    assert.deepEqual(parse([], { KEYVAL_BIND: text }), { ...DEFAULTS, host, port }, text);
  }
});

Deno.test("flags beat KEYVAL_BIND part by part", () => {
  const env = { KEYVAL_BIND: "10.0.0.1:7001" };
  assert.deepEqual(parse([], env), { ...DEFAULTS, host: "10.0.0.1", port: 7001 });
  assert.deepEqual(parse(["--bind", "127.0.0.2:7002"], env), {
    ...DEFAULTS,
    host: "127.0.0.2",
    port: 7002,
  });
  assert.deepEqual(parse(["--port", "7003"], env), { ...DEFAULTS, host: "10.0.0.1", port: 7003 });
  assert.deepEqual(parse(["--bind", "127.0.0.2"], env), {
    ...DEFAULTS,
    host: "127.0.0.2",
    port: 7001,
  });
  assert.deepEqual(parse(["--bind", "[::1]:7004", "--port", "7005"], { KEYVAL_BIND: "[::2]:1" }), {
    ...DEFAULTS,
    host: "::1",
    port: 7005,
  });
});

Deno.test("bad flags and values throw ConfigError naming the flag", () => {
  const bad: [string[], Record<string, string>, RegExp][] = [
    [["--port", "65536"], {}, /--port/],
    [["--port=-1"], {}, /--port/],
    [["--port", "-1"], {}, /--port/],
    [["--port", "0x10"], {}, /--port/],
    [["--port", ""], {}, /--port/],
    [["--port"], {}, /--port/],
    [["--bind", ""], {}, /--bind/],
    [["--bind", ":6379"], {}, /--bind/],
    [["--bind", "localhost:"], {}, /--bind/],
    [["--bind", "localhost:http"], {}, /--bind/],
    [["--bind", "[::1"], {}, /--bind/],
    [["--bind", "[::1]x"], {}, /--bind/],
    [["--bind", "[]:1"], {}, /--bind/],
    [["--bind", "[::1]:"], {}, /--bind/],
    [["--bind", "::1]"], {}, /--bind/],
    [[], { KEYVAL_BIND: "host:99999" }, /KEYVAL_BIND/],
    [[], { KEYVAL_BIND: "[::1" }, /KEYVAL_BIND/],
    [["--max-clients", "0"], {}, /--max-clients/],
    [["--max-clients", "1.5"], {}, /--max-clients/],
    [["--max-clients", "1e3"], {}, /--max-clients/],
    [["--max-clients", " 5"], {}, /--max-clients/],
    [["--max-clients", "1000001"], {}, /--max-clients/],
    [["--max-line-bytes", "15"], {}, /--max-line-bytes/],
    [["--max-value-bytes", "0"], {}, /--max-value-bytes/],
    [["--max-value-bytes", "536870913"], {}, /--max-value-bytes/],
    [["--max-query-buffer-bytes", "1023"], {}, /--max-query-buffer-bytes/],
    [["--janitor-interval-ms", "0"], {}, /--janitor-interval-ms/],
    [["--janitor-interval-ms", "abc"], {}, /--janitor-interval-ms/],
    [["--nope"], {}, /--nope/],
    [["positional"], {}, /positional/],
  ];
  for (const [args, env, message] of bad) {
    assert.throws(() => parseConfig(args, env), (err: unknown) => {
      assert.ok(err instanceof ConfigError, `${args.join(" ")}: ${err}`);
      assert.match(err.message, message);
      return true;
    }, `${JSON.stringify(args)} ${JSON.stringify(env)}`);
  }
});

Deno.test("--help and -h ask for the help text, which lists every flag with its default", () => {
  assert.equal(parseConfig(["--help"], {}), "help");
  assert.equal(parseConfig(["-h"], {}), "help");
  assert.equal(parseConfig(["--port", "1", "--help"], { KEYVAL_BIND: "x:1" }), "help");
  const help = helpText();
  for (
    const flag of [
      "--bind",
      "--port",
      "--max-line-bytes",
      "--max-value-bytes",
      "--max-query-buffer-bytes",
      "--max-clients",
      "--janitor-interval-ms",
      "--help",
      "KEYVAL_BIND",
    ]
  ) {
    assert.ok(help.includes(flag), `help mentions ${flag}`);
  }
  for (const value of [65536, 536870912, 1073741824, 10000, 100, 6379, "127.0.0.1"]) {
    assert.ok(help.includes(`(default ${value})`), `help shows the default ${value}`);
  }
});

Deno.test("--metrics-bind and METRICS_BIND: off, HOST, HOST:PORT; the flag wins", () => {
  assert.equal(parse(["--metrics-bind", "off"]).metricsBind, null);
  assert.equal(parse([], { METRICS_BIND: "off" }).metricsBind, null);
  assert.deepEqual(parse(["--metrics-bind", "0.0.0.0"]).metricsBind, {
    host: "0.0.0.0",
    port: 9100,
  });
  assert.deepEqual(parse(["--metrics-bind=[::1]:0"]).metricsBind, { host: "::1", port: 0 });
  assert.deepEqual(
    parse(["--metrics-bind", "127.0.0.1:9200"], { METRICS_BIND: "off" }).metricsBind,
    { host: "127.0.0.1", port: 9200 },
  );
  assert.throws(() => parse(["--metrics-bind", "127.0.0.1:99999"]), ConfigError);
});

Deno.test("slowlog, latency monitor and latency tracking flags", () => {
  const c = parse([
    "--slowlog-log-slower-than",
    "-1",
    "--slowlog-max-len",
    "0",
    "--latency-monitor-threshold",
    "5",
    "--latency-tracking",
    "no",
  ]);
  assert.equal(c.slowlogLogSlowerThan, -1);
  assert.equal(c.slowlogMaxLen, 0);
  assert.equal(c.latencyMonitorThreshold, 5);
  assert.equal(c.latencyTracking, false);
  assert.throws(() => parse(["--slowlog-log-slower-than", "-2"]), ConfigError);
  assert.throws(() => parse(["--slowlog-max-len", "-1"]), ConfigError);
  assert.throws(() => parse(["--latency-tracking", "maybe"]), ConfigError);
});
