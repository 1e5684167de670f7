// The live dashboard in a real browser: Debian's Chromium, headless, driven by playwright-core.
// keyval runs with its metrics port; a raw client pipelines SETs and GETs while the page is open,
// and the test waits (with a deadline, never a fixed sleep) until the page shows the workload:
// ops/s above zero, the key count growing, latency and hit ratio filled in, the commands in the
// top table, the charts drawn, every request made to keyval itself (the page works offline).
//
// UPDATE_SCREENSHOT=1 (`deno task screenshot`) runs the workload longer and writes
// docs/dashboard.png for the README.
/// <reference lib="dom" />
import assert from "node:assert/strict";
import fs from "node:fs";
import type { Page } from "playwright-core";
import { startServer } from "../helpers/server.ts";
import { concat, encodeCommand, RawClient } from "../helpers/raw.ts";

const CHROMIUM = "/usr/bin/chromium";
const SCREENSHOT = new URL("../../docs/dashboard.png", import.meta.url).pathname;
const UPDATE = Deno.env.get("UPDATE_SCREENSHOT") === "1";
/** How long the screenshot run keeps the workload going, so the charts have some history. */
const SCREENSHOT_SECONDS = 45;
/** Longest wait for the page to show a condition (it polls every second). */
const WAIT_MS = 15_000;

// playwright-core asks at import whether it runs under WSL: fs.existsSync on a /proc path,
// which Deno refuses without --allow-all, and its existsSync throws that refusal instead of
// answering false. A path the test may not read is, for that question, a path that is not there.
const existsSync = fs.existsSync;
fs.existsSync = (path: fs.PathLike): boolean => {
  try {
    return existsSync(path);
  } catch (err) {
    if (err instanceof Deno.errors.NotCapable) return false;
    throw err;
  }
};
const { chromium } = await import("playwright-core");

/** The address the server printed for its metrics endpoint. */
async function metricsAddress(output: () => string): Promise<string> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    // main.ts prints "keyval metrics on http://HOST:PORT/metrics".
    const m = output().match(/metrics on (http:\/\/[^\s/]+)\//);
    if (m) return m[1];
    if (Date.now() > deadline) throw new Error(`no metrics address printed:\n${output()}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * Pipelines batches of a mixed load until `stop` is set: SETs of new keys (so the key count
 * grows; every fourth with a TTL), GETs (half hits, half misses), INCRs and EXISTS. Keys carry
 * `prefix`, so several workloads never collide. `pace` returns the batch size for the moment, to
 * shape the load. Returns how many keys it set.
 */
async function workload(
  port: number,
  prefix: string,
  stop: { done: boolean },
  pace: () => number = () => 200,
): Promise<number> {
  const c = await RawClient.connect(port);
  let next = 0;
  try {
    while (!stop.done) {
      const n = pace();
      const parts: Uint8Array[] = [];
      for (let i = 0; i < n; i++) {
        const key = `${prefix}:key:${next + i}`;
        const ttl = i % 4 === 0 ? ["EX", "3600"] : [];
        parts.push(encodeCommand(["SET", key, `value-${next + i}`, ...ttl]));
        parts.push(encodeCommand(["GET", i % 2 === 0 ? key : `${prefix}:missing:${i}`]));
        if (i % 3 === 0) parts.push(encodeCommand(["INCR", `${prefix}:counter:${i % 16}`]));
        if (i % 5 === 0) parts.push(encodeCommand(["EXISTS", key]));
      }
      await c.send(concat(parts));
      const replies = await c.replies(parts.length);
      assert.equal(replies[0], "OK");
      next += n;
    }
  } finally {
    c.close();
  }
  return next;
}

/** The raw number a value element carries in data-value; NaN while it shows nothing. */
function value(page: Page, id: string): Promise<number> {
  return page.$eval(`#${id}`, (el) => {
    const v = (el as HTMLElement).dataset.value;
    return v === undefined || v === "" ? NaN : Number(v);
  });
}

Deno.test("dashboard: the page shows a running workload in Chromium", async () => {
  try {
    await Deno.stat(CHROMIUM);
  } catch {
    throw new Error(`${CHROMIUM} is missing: apt-get install chromium (.ci/run does)`);
  }
  const server = await startServer(["--metrics-bind", "127.0.0.1:0"]);
  const profile = await Deno.makeTempDir({ prefix: "keyval-chromium-" });
  const stop = { done: false };
  let load: Promise<number[]> | undefined;
  let browser: Awaited<ReturnType<typeof chromium.launchPersistentContext>> | undefined;
  try {
    const origin = await metricsAddress(server.output);
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      args: [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
      ],
      viewport: { width: 1400, height: 800 },
    });
    const page = browser.pages()[0] ?? await browser.newPage();
    const errors: string[] = [];
    const requests: string[] = [];
    page.on("pageerror", (err) => errors.push(err.message));
    page.on("console", (msg) => {
      if (msg.type() === "error") errors.push(msg.text());
    });
    page.on("request", (req) => requests.push(req.url()));

    await page.goto(`${origin}/`);
    assert.equal(await page.title(), "keyval dashboard");
    // The first snapshot fills the gauges; rates need a second one.
    await page.waitForFunction(
      () => document.getElementById("status")?.className === "live",
      undefined,
      { timeout: WAIT_MS },
    );
    const keysBefore = await value(page, "keys");
    assert.equal(keysBefore, 0);

    const started = Date.now();
    if (UPDATE) {
      // Three clients whose load swells and ebbs out of step, for charts worth looking at.
      const wave = (phase: number) => () =>
        Math.round(60 + 50 * Math.sin((Date.now() - started) / 5000 + phase));
      load = Promise.all(
        [0, 2, 4].map((phase, i) => workload(server.port, `w${i}`, stop, wave(phase))),
      );
    } else {
      load = Promise.all([workload(server.port, "w0", stop)]);
    }
    await page.waitForFunction(
      () => {
        const v = (id: string) => Number(document.getElementById(id)?.dataset.value || NaN);
        const rows = [...document.querySelectorAll("#top tr")].map((r) =>
          (r as HTMLElement).dataset.command
        );
        return v("ops") > 0 && v("keys") > 0 && v("p50") > 0 && v("p99") >= v("p50") &&
          v("hit") > 0 && v("hit") < 1 && v("conns") >= 1 && v("rss") > 0 &&
          rows.includes("set") && rows.includes("get");
      },
      undefined,
      { timeout: WAIT_MS, polling: 100 },
    );
    // The key count keeps moving while the workload runs.
    const keysSeen = await value(page, "keys");
    await page.waitForFunction(
      (seen) => Number(document.getElementById("keys")?.dataset.value) > seen,
      keysSeen,
      { timeout: WAIT_MS, polling: 100 },
    );
    // The ops/s chart has a line on it: some pixel of the plot area is not transparent.
    const drawn = await page.$eval("#ch-ops", (el) => {
      const canvas = el as HTMLCanvasElement;
      const data = canvas.getContext("2d")!.getImageData(0, 0, canvas.width, canvas.height).data;
      let painted = 0;
      for (let i = 3; i < data.length; i += 4) if (data[i] > 0) painted++;
      return painted;
    });
    assert.ok(drawn > 100, `ops chart drew ${drawn} pixels`);

    if (UPDATE) {
      const until = started + SCREENSHOT_SECONDS * 1000;
      await page.waitForFunction((t) => Date.now() > t, until, {
        timeout: SCREENSHOT_SECONDS * 1000 + WAIT_MS,
        polling: 500,
      });
      await page.screenshot({ path: SCREENSHOT, fullPage: true });
    }

    stop.done = true;
    for (const keys of await load) assert.ok(keys > 0);
    assert.deepEqual(errors, []);
    const foreign = requests.filter((url) => !url.startsWith(`${origin}/`));
    assert.deepEqual(foreign, [], "the page loads nothing from elsewhere");
    assert.ok(requests.some((url) => url.endsWith("/stats.json")));
  } finally {
    stop.done = true;
    await load?.catch(() => []);
    await browser?.close();
    await server.stop();
    await Deno.remove(profile, { recursive: true }).catch(() => {});
  }
});
