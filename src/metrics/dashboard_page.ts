// The live dashboard's page: one self-contained HTML document (inline CSS and script, no fonts,
// no CDN) so it works offline and from a server that serves nothing else. The script polls
// stats.json every second, turns successive snapshots into rates and interval percentiles, keeps
// five minutes of history in memory and draws the charts on <canvas> itself.
//
// Every shown number also sits in a `data-value` attribute (raw, unformatted), which is what the
// browser test reads.

const STYLE = `
:root {
  --bg: #f4f6f9; --card: #ffffff; --ink: #1b2330; --muted: #667085; --line: #e3e7ee;
  --grid: #edf0f5; --accent: #2f6fde; --c1: #2f6fde; --c2: #e8793a; --c3: #1f9d74;
  --c4: #a353d6; --c5: #d6455d; --c6: #8a8f2c; --ok: #1f9d74; --bad: #d6455d;
  color-scheme: light dark;
}
@media (prefers-color-scheme: dark) {
  :root {
    --bg: #12161d; --card: #1a2029; --ink: #e6e9ef; --muted: #8d96a7; --line: #2a323e;
    --grid: #232a35; --accent: #5b93f5; --c1: #5b93f5; --c2: #f09a5f; --c3: #3cc296;
    --c4: #bf7ef0; --c5: #ef6b80; --c6: #b9be4a;
  }
}
* { box-sizing: border-box; }
body {
  margin: 0; background: var(--bg); color: var(--ink);
  font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
}
header {
  display: flex; align-items: baseline; gap: 16px; flex-wrap: wrap;
  padding: 14px 24px; border-bottom: 1px solid var(--line); background: var(--card);
}
header h1 { margin: 0; font-size: 18px; letter-spacing: .02em; }
header .meta { color: var(--muted); font-size: 13px; }
#status { margin-left: auto; font-size: 13px; display: flex; align-items: center; gap: 6px; }
#status::before {
  content: ""; width: 8px; height: 8px; border-radius: 50%; background: var(--muted);
}
#status.live::before { background: var(--ok); }
#status.down::before { background: var(--bad); }
main { padding: 18px 24px 28px; max-width: 1500px; margin: 0 auto; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(150px, 1fr)); gap: 12px; }
.tile { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 10px 14px; }
.tile .label { color: var(--muted); font-size: 12px; text-transform: uppercase; letter-spacing: .06em; }
.tile .value { font-size: 24px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 2px; }
.tile .sub { color: var(--muted); font-size: 12px; font-variant-numeric: tabular-nums; }
.charts {
  display: grid; grid-template-columns: repeat(auto-fit, minmax(320px, 1fr)); gap: 12px;
  margin-top: 12px;
}
.card { background: var(--card); border: 1px solid var(--line); border-radius: 8px; padding: 12px 14px; }
.card h2 {
  margin: 0 0 6px; font-size: 13px; font-weight: 600; display: flex; gap: 12px;
  align-items: baseline; white-space: nowrap;
}
/* One line whatever the names, so every chart card keeps the same height: entries that do not
   fit wrap onto a second line, which is cut off whole. */
.legend {
  display: flex; flex-wrap: wrap; column-gap: 12px; font-weight: 400; color: var(--muted);
  font-size: 12px; height: 1.4em; overflow: hidden; min-width: 0; white-space: nowrap;
}
.legend span { display: inline-flex; align-items: center; gap: 5px; flex: none; }
.legend i { width: 10px; height: 3px; border-radius: 2px; display: inline-block; }
canvas { width: 100%; height: 180px; display: block; }
table { width: 100%; border-collapse: collapse; font-variant-numeric: tabular-nums; }
th, td { text-align: right; padding: 5px 8px; border-bottom: 1px solid var(--line); white-space: nowrap; }
th { color: var(--muted); font-weight: 500; font-size: 12px; }
th:first-child, td:first-child { text-align: left; font-family: ui-monospace, Menlo, Consolas, monospace; }
td.bar { width: 35%; }
.scroll { overflow-x: auto; }
@media (max-width: 640px) { td.bar, th.bar { display: none; } main { padding: 12px; } }
td.bar div { height: 8px; border-radius: 4px; background: var(--accent); opacity: .75; min-width: 1px; }
.empty { color: var(--muted); text-align: center; padding: 16px; }
footer { color: var(--muted); font-size: 12px; text-align: center; padding: 0 0 20px; }
`;

const BODY = `
<header>
  <h1>keyval</h1>
  <span class="meta" id="meta">connecting…</span>
  <span id="status">waiting for data</span>
</header>
<main>
  <section class="tiles">
    <div class="tile"><div class="label">Ops/s</div><div class="value" id="ops" data-value="">–</div>
      <div class="sub" id="ops-total" data-value="">&nbsp;</div></div>
    <div class="tile"><div class="label">p50 latency</div><div class="value" id="p50" data-value="">–</div>
      <div class="sub">last second</div></div>
    <div class="tile"><div class="label">p99 latency</div><div class="value" id="p99" data-value="">–</div>
      <div class="sub">last second</div></div>
    <div class="tile"><div class="label">Connections</div><div class="value" id="conns" data-value="">–</div>
      <div class="sub" id="conns-total" data-value="">&nbsp;</div></div>
    <div class="tile"><div class="label">Keys</div><div class="value" id="keys" data-value="">–</div>
      <div class="sub" id="keys-ttl" data-value="">&nbsp;</div></div>
    <div class="tile"><div class="label">Memory (RSS)</div><div class="value" id="rss" data-value="">–</div>
      <div class="sub" id="dataset" data-value="">&nbsp;</div></div>
    <div class="tile"><div class="label">Hit ratio</div><div class="value" id="hit" data-value="">–</div>
      <div class="sub" id="hit-total" data-value="">&nbsp;</div></div>
  </section>
  <section class="charts">
    <div class="card"><h2>Ops/s <span class="legend" id="lg-ops"></span></h2><canvas id="ch-ops"></canvas></div>
    <div class="card"><h2>Ops/s by command <span class="legend" id="lg-cmd"></span></h2><canvas id="ch-cmd"></canvas></div>
    <div class="card"><h2>Latency <span class="legend" id="lg-lat"></span></h2><canvas id="ch-lat"></canvas></div>
    <div class="card"><h2>Hit ratio <span class="legend" id="lg-hit"></span></h2><canvas id="ch-hit"></canvas></div>
    <div class="card"><h2>Connections <span class="legend" id="lg-conns"></span></h2><canvas id="ch-conns"></canvas></div>
    <div class="card"><h2>Keys <span class="legend" id="lg-keys"></span></h2><canvas id="ch-keys"></canvas></div>
    <div class="card"><h2>Memory <span class="legend" id="lg-mem"></span></h2><canvas id="ch-mem"></canvas></div>
    <div class="card"><h2>Network <span class="legend" id="lg-net"></span></h2><canvas id="ch-net"></canvas></div>
  </section>
  <section class="charts">
    <div class="card"><h2>Top commands</h2>
      <div class="scroll"><table><thead><tr><th>command</th><th>ops/s</th><th class="bar"></th>
        <th>calls</th><th>avg</th><th>p50</th><th>p99</th></tr></thead><tbody id="top"></tbody></table>
      </div></div>
  </section>
</main>
<footer>Polls <code>/stats.json</code> every second; keeps the last 5 minutes in this tab.</footer>
`;

// Plain ES2017 for any browser; no build step. Kept readable: it is the whole client.
const SCRIPT = String.raw`
"use strict";
const WINDOW_MS = 5 * 60 * 1000; // history kept and drawn
const TOP_N = 10;                // rows in the table
const TOP_LINES = 5;             // commands drawn in the by-command chart
const $ = (id) => document.getElementById(id);
const css = (name) => getComputedStyle(document.documentElement).getPropertyValue(name).trim();
const COLORS = ["--c1", "--c2", "--c3", "--c4", "--c5", "--c6"];

// One series per chart line: arrays of [time ms, value or null]; null leaves a gap.
const S = {
  ops: [], p50: [], p99: [], conns: [], keys: [], rss: [], dataset: [], hit: [],
  netIn: [], netOut: [], cmd: new Map(),
};
let prev = null;
let lastRates = new Map();

// --- number formats ---------------------------------------------------------------------------
function fmtCount(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  const a = Math.abs(v);
  if (a >= 1e9) return (v / 1e9).toFixed(a >= 1e10 ? 1 : 2) + "G";
  if (a >= 1e6) return (v / 1e6).toFixed(a >= 1e7 ? 1 : 2) + "M";
  if (a >= 1e4) return (v / 1e3).toFixed(a >= 1e5 ? 0 : 1) + "k";
  if (a >= 100 || Number.isInteger(v)) return Math.round(v).toLocaleString("en-US");
  return v.toFixed(1);
}
function fmtSeconds(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  if (v === 0) return "0";
  if (v >= 1) return v.toFixed(2) + " s";
  if (v >= 1e-3) return (v * 1e3).toFixed(v >= 0.01 ? 1 : 2) + " ms";
  return (v * 1e6).toFixed(v >= 1e-5 ? 0 : 1) + " µs";
}
function fmtBytes(v) {
  if (v === null || v === undefined || !isFinite(v)) return "–";
  if (v === 0) return "0";
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (Math.abs(v) >= 1024 && i < units.length - 1) { v /= 1024; i++; }
  return (i === 0 ? Math.round(v) : v.toFixed(Math.abs(v) >= 100 ? 0 : 1)) + " " + units[i];
}
const fmtRateBytes = (v) => v === null ? "–" : fmtBytes(v) + "/s";
const fmtPercent = (v) => v === null || v === undefined || !isFinite(v) ? "–" : (v * 100).toFixed(1) + "%";

function show(id, raw, text) {
  const el = $(id);
  el.dataset.value = raw === null || raw === undefined ? "" : String(raw);
  el.textContent = text;
}

// --- from snapshots to points -----------------------------------------------------------------
// The q-quantile of the latency histogram's increase between two snapshots, interpolated
// linearly inside the bucket (as Prometheus's histogram_quantile); null when nothing ran.
function quantile(q, le, now, before) {
  if (!le || !now) return null;
  const delta = now.map((c, i) => c - (before ? before[i] || 0 : 0));
  const total = delta.reduce((a, b) => a + b, 0);
  if (total <= 0 || delta.some((d) => d < 0)) return null;
  const rank = q * total;
  let seen = 0;
  for (let i = 0; i < delta.length; i++) {
    if (seen + delta[i] >= rank && delta[i] > 0) {
      const lower = i === 0 ? 0 : le[i - 1];
      const upper = isFinite(le[i]) ? le[i] : lower;
      return lower + (upper - lower) * ((rank - seen) / delta[i]);
    }
    seen += delta[i];
  }
  return le[le.length - 2] ?? null;
}

function push(series, t, v) {
  series.push([t, v]);
  while (series.length && series[0][0] < t - WINDOW_MS) series.shift();
}

function ingest(s) {
  const t = s.time;
  push(S.conns, t, s.connections);
  push(S.keys, t, s.keys);
  push(S.rss, t, s.rss);
  push(S.dataset, t, s.datasetBytes);
  // A counter that went down means CONFIG RESETSTAT or a restart: start the rates afresh.
  const usable = prev && t > prev.time && s.commands >= prev.commands &&
    s.hits >= prev.hits && s.misses >= prev.misses;
  if (usable) {
    const dt = (t - prev.time) / 1000;
    push(S.ops, t, (s.commands - prev.commands) / dt);
    const le = s.latency && s.latency.le.map((x) => x === null ? Infinity : x);
    push(S.p50, t, quantile(0.5, le, s.latency && s.latency.counts, prev.latency && prev.latency.counts));
    push(S.p99, t, quantile(0.99, le, s.latency && s.latency.counts, prev.latency && prev.latency.counts));
    const lookups = (s.hits - prev.hits) + (s.misses - prev.misses);
    push(S.hit, t, lookups > 0 ? (s.hits - prev.hits) / lookups : null);
    push(S.netIn, t, (s.netInputBytes - prev.netInputBytes) / dt);
    push(S.netOut, t, (s.netOutputBytes - prev.netOutputBytes) / dt);
    lastRates = new Map();
    for (const [name, c] of Object.entries(s.perCommand)) {
      const before = prev.perCommand[name];
      const rate = Math.max(0, (c.calls - (before ? before.calls : 0)) / dt);
      lastRates.set(name, rate);
      if (!S.cmd.has(name)) S.cmd.set(name, []);
    }
    for (const [name, series] of S.cmd) push(series, t, lastRates.get(name) || 0);
  }
  prev = s;
  render(s);
}

// --- drawing ----------------------------------------------------------------------------------
function niceStep(range, ticks) {
  const raw = range / ticks;
  const mag = Math.pow(10, Math.floor(Math.log10(raw)));
  const n = raw / mag;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 2.5 ? 2.5 : n <= 5 ? 5 : 10) * mag;
}

function drawChart(id, lines, opts) {
  const canvas = $(id);
  const dpr = window.devicePixelRatio || 1;
  const w = canvas.clientWidth, h = canvas.clientHeight;
  if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
  }
  const g = canvas.getContext("2d");
  g.setTransform(dpr, 0, 0, dpr, 0, 0);
  g.clearRect(0, 0, w, h);
  const now = prev ? prev.time : Date.now();
  const x0 = now - WINDOW_MS;
  let max = opts.max || 0;
  if (!opts.max) {
    for (const l of lines) for (const [t, v] of l.points) if (t >= x0 && v !== null && v > max) max = v;
    if (max <= 0) max = opts.floor || 1;
  }
  // Byte axes step in whole KiB/MiB/GiB multiples, so their labels read 32 MiB, not 33.6 MB.
  const unit = opts.binary ? Math.pow(1024, Math.max(0, Math.floor(Math.log(max) / Math.log(1024)))) : 1;
  const step = opts.max ? opts.max / 4 : niceStep((max * 1.05) / unit, 4) * unit;
  const top = opts.max ? opts.max : Math.ceil((max * 1.05) / step) * step;
  g.font = "11px system-ui, sans-serif";
  const labels = [];
  for (let v = 0; v <= top + step / 2; v += step) labels.push([v, opts.format(v)]);
  const left = Math.max(...labels.map(([, s]) => g.measureText(s).width)) + 10;
  const pad = { l: left, r: 8, t: 6, b: 18 };
  const pw = w - pad.l - pad.r, ph = h - pad.t - pad.b;
  const X = (t) => pad.l + ((t - x0) / WINDOW_MS) * pw;
  const Y = (v) => pad.t + ph - (v / top) * ph;
  g.strokeStyle = css("--grid"); g.fillStyle = css("--muted"); g.lineWidth = 1;
  g.textAlign = "right"; g.textBaseline = "middle";
  for (const [v, s] of labels) {
    const y = Math.round(Y(v)) + 0.5;
    g.beginPath(); g.moveTo(pad.l, y); g.lineTo(w - pad.r, y); g.stroke();
    g.fillText(s, pad.l - 6, y);
  }
  g.textAlign = "center"; g.textBaseline = "top";
  for (let m = 5; m >= 0; m--) {
    const x = X(now - m * 60000);
    g.fillText(m === 0 ? "now" : "-" + m + "m", Math.min(Math.max(x, pad.l + 10), w - pad.r - 12), pad.t + ph + 4);
  }
  g.save();
  g.beginPath(); g.rect(pad.l, pad.t - 2, pw, ph + 4); g.clip();
  g.lineJoin = "round"; g.lineWidth = 1.6;
  for (const l of lines) {
    const color = css(l.color);
    g.strokeStyle = color;
    g.beginPath();
    let pen = false;
    for (const [t, v] of l.points) {
      if (v === null) { pen = false; continue; }
      if (pen) g.lineTo(X(t), Y(v)); else { g.moveTo(X(t), Y(v)); pen = true; }
    }
    g.stroke();
    if (l.fill) {
      g.globalAlpha = 0.08; g.fillStyle = color;
      let first = null, last = null;
      g.beginPath();
      for (const [t, v] of l.points) {
        if (v === null) continue;
        if (first === null) { first = t; g.moveTo(X(t), Y(0)); }
        g.lineTo(X(t), Y(v)); last = t;
      }
      if (first !== null) { g.lineTo(X(last), Y(0)); g.closePath(); g.fill(); }
      g.globalAlpha = 1;
    }
  }
  g.restore();
  legend("lg" + id.slice(2), lines);
}

function legend(id, lines) {
  const el = $(id);
  const key = lines.map((l) => l.label + l.color).join("|");
  if (el.dataset.key === key) return; // rebuilt only when the lines change
  el.dataset.key = key;
  el.replaceChildren(...lines.map((l) => {
    const span = document.createElement("span");
    const i = document.createElement("i");
    i.style.background = "var(" + l.color + ")";
    span.append(i, l.label);
    return span;
  }));
}

function last(series) {
  for (let i = series.length - 1; i >= 0; i--) if (series[i][1] !== null) return series[i][1];
  return null;
}

// Commands ranked by calls over the last ten seconds of history, then by calls since start.
function ranked(s) {
  const since = s.time - 10000;
  const recent = (name) => {
    const points = S.cmd.get(name) || [];
    let sum = 0;
    for (const [t, v] of points) if (t >= since) sum += v;
    return sum;
  };
  return Object.keys(s.perCommand)
    .map((name) => [name, recent(name), s.perCommand[name].calls])
    .sort((a, b) => b[1] - a[1] || b[2] - a[2])
    .map(([name]) => name);
}

function render(s) {
  $("meta").textContent = "v" + s.version + " · port " + s.port + " · up " + uptime(s.uptimeSeconds);
  const ops = last(S.ops);
  show("ops", ops, fmtCount(ops));
  show("ops-total", s.commands, fmtCount(s.commands) + " commands");
  const p50 = last(S.p50), p99 = last(S.p99);
  show("p50", p50, fmtSeconds(p50));
  show("p99", p99, fmtSeconds(p99));
  show("conns", s.connections, fmtCount(s.connections));
  show("conns-total", s.connectionsReceived, fmtCount(s.connectionsReceived) + " accepted");
  show("keys", s.keys, fmtCount(s.keys));
  show("keys-ttl", s.keysWithTtl, fmtCount(s.keysWithTtl) + " with TTL");
  show("rss", s.rss, fmtBytes(s.rss));
  show("dataset", s.datasetBytes, fmtBytes(s.datasetBytes) + " dataset");
  const hit = last(S.hit);
  const lookups = s.hits + s.misses;
  const total = lookups > 0 ? s.hits / lookups : null;
  show("hit", hit, fmtPercent(hit));
  show("hit-total", total, fmtPercent(total) + " since start");

  drawChart("ch-ops", [{ points: S.ops, color: "--c1", label: "total", fill: true }], { format: fmtCount });
  const names = ranked(s);
  drawChart("ch-cmd", names.slice(0, TOP_LINES).map((name, i) => ({
    points: S.cmd.get(name) || [], color: COLORS[i], label: name,
  })), { format: fmtCount });
  drawChart("ch-lat", [
    { points: S.p50, color: "--c1", label: "p50" },
    { points: S.p99, color: "--c2", label: "p99" },
  ], { format: fmtSeconds, floor: 1e-4 });
  drawChart("ch-hit", [{ points: S.hit, color: "--c3", label: "hits / lookups", fill: true }],
    { format: (v) => Math.round(v * 100) + "%", max: 1 });
  drawChart("ch-conns", [{ points: S.conns, color: "--c4", label: "connected", fill: true }], { format: fmtCount });
  drawChart("ch-keys", [{ points: S.keys, color: "--c3", label: "keys", fill: true }], { format: fmtCount });
  drawChart("ch-mem", [
    { points: S.rss, color: "--c1", label: "RSS" },
    { points: S.dataset, color: "--c2", label: "dataset" },
  ], { format: fmtBytes, floor: 1024 * 1024, binary: true });
  drawChart("ch-net", [
    { points: S.netIn, color: "--c1", label: "in" },
    { points: S.netOut, color: "--c2", label: "out" },
  ], { format: fmtRateBytes, floor: 1024, binary: true });
  renderTop(s, names.slice(0, TOP_N));
}

function renderTop(s, names) {
  const body = $("top");
  if (names.length === 0) {
    const td = document.createElement("td");
    td.colSpan = 7; td.className = "empty"; td.textContent = "no commands yet";
    const tr = document.createElement("tr"); tr.append(td);
    body.replaceChildren(tr);
    return;
  }
  const peak = Math.max(1, ...names.map((n) => lastRates.get(n) || 0));
  body.replaceChildren(...names.map((name) => {
    const c = s.perCommand[name];
    const rate = lastRates.get(name) || 0;
    const tr = document.createElement("tr");
    tr.dataset.command = name;
    const cells = [name, fmtCount(rate), "", fmtCount(c.calls),
      fmtSeconds(c.usec > 0 ? c.usec / c.calls / 1e6 : null), fmtSeconds(c.p50), fmtSeconds(c.p99)];
    for (const [i, text] of cells.entries()) {
      const td = document.createElement("td");
      if (i === 2) {
        td.className = "bar";
        const bar = document.createElement("div");
        bar.style.width = (100 * rate / peak).toFixed(1) + "%";
        td.append(bar);
      } else td.textContent = text;
      if (i === 1) td.dataset.value = String(rate);
      tr.append(td);
    }
    return tr;
  }));
}

function uptime(sec) {
  const d = Math.floor(sec / 86400), h = Math.floor(sec / 3600) % 24, m = Math.floor(sec / 60) % 60;
  return d > 0 ? d + "d " + h + "h" : h > 0 ? h + "h " + m + "m" : m > 0 ? m + "m " + (sec % 60) + "s" : sec + "s";
}

// --- polling ----------------------------------------------------------------------------------
function status(ok, text) {
  const el = $("status");
  el.className = ok ? "live" : "down";
  el.textContent = text;
}

async function poll() {
  const started = Date.now();
  try {
    const res = await fetch("stats.json", { cache: "no-store" });
    if (!res.ok) throw new Error("HTTP " + res.status);
    ingest(await res.json());
    status(true, "live");
  } catch (err) {
    status(false, "disconnected (" + (err && err.message || err) + ")");
  }
  // Keep a one-second rhythm whatever the request took.
  setTimeout(poll, Math.max(100, 1000 - (Date.now() - started)));
}
window.addEventListener("resize", () => prev && render(prev));
poll();
`;

/** The whole dashboard document. */
export const DASHBOARD_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>keyval dashboard</title>
<link rel="icon" href="data:,">
<style>${STYLE}</style>
</head>
<body>${BODY}<script>${SCRIPT}</script>
</body>
</html>
`;
