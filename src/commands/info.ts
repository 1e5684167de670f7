// INFO and STATS: what the server is doing, in Redis's section and field names.
import process from "node:process";
import type { Context, ServerState } from "./context.ts";
import { KEYVAL_VERSION, REDIS_COMPAT_VERSION } from "../version.ts";

const RUN_ID = Array.from(crypto.getRandomValues(new Uint8Array(20)))
  .map((b) => b.toString(16).padStart(2, "0"))
  .join("");

function human(bytes: number): string {
  const units = ["B", "K", "M", "G", "T"];
  let i = 0;
  let n = bytes;
  while (n >= 1024 && i < units.length - 1) {
    n /= 1024;
    i++;
  }
  return i === 0 ? `${n}B` : `${n.toFixed(2)}${units[i]}`;
}

type Section = (s: ServerState) => [string, string | number][];

const SECTIONS: Record<string, Section> = {
  server: (s) => {
    const uptime = Math.floor((Date.now() - s.startedAt) / 1000);
    return [
      ["redis_version", REDIS_COMPAT_VERSION],
      ["keyval_version", KEYVAL_VERSION],
      ["redis_mode", "standalone"],
      ["os", `${Deno.build.os} ${Deno.build.arch}`],
      ["arch_bits", 64],
      ["runtime", `deno ${Deno.version.deno} v8 ${Deno.version.v8}`],
      ["process_id", Deno.pid],
      ["run_id", RUN_ID],
      ["tcp_port", s.port],
      ["uptime_in_seconds", uptime],
      ["uptime_in_days", Math.floor(uptime / 86400)],
      ["hz", Math.max(1, Math.round(1000 / s.config.janitorIntervalMs))],
      ["executable", Deno.execPath()],
    ];
  },
  clients: (s) => [
    ["connected_clients", s.clients.size],
    ["maxclients", s.maxClients],
    ["blocked_clients", 0],
  ],
  memory: () => {
    const m = Deno.memoryUsage();
    const used = m.heapUsed + m.external;
    return [
      ["used_memory", used],
      ["used_memory_human", human(used)],
      ["used_memory_rss", m.rss],
      ["used_memory_rss_human", human(m.rss)],
      ["used_memory_heap_total", m.heapTotal],
      ["maxmemory", 0],
      ["maxmemory_human", "0B"],
      ["maxmemory_policy", "noeviction"],
      ["mem_allocator", "v8"],
    ];
  },
  persistence: (s) => [
    ["loading", 0],
    ["rdb_changes_since_last_save", 0],
    ["rdb_bgsave_in_progress", 0],
    ["rdb_last_save_time", Math.floor(s.startedAt / 1000)],
    ["aof_enabled", 0],
    ["aof_rewrite_in_progress", 0],
  ],
  stats: (s) => {
    const st = s.stats;
    const j = s.janitor.stats;
    return [
      ["total_connections_received", st.connections],
      ["total_commands_processed", st.commands],
      ["total_net_input_bytes", st.netInputBytes],
      ["total_net_output_bytes", st.netOutputBytes],
      ["rejected_connections", st.rejectedConnections],
      ["expired_keys", s.keyspace.expiredKeys],
      ["expire_cycle_cpu_milliseconds", Math.round(j.busyMs)],
      ["evicted_keys", 0],
      ["keyspace_hits", s.keyspace.hits],
      ["keyspace_misses", s.keyspace.misses],
      ["total_error_replies", st.errorReplies],
      ["total_protocol_errors", st.protocolErrors],
    ];
  },
  replication: () => [
    ["role", "master"],
    ["connected_slaves", 0],
    ["master_repl_offset", 0],
  ],
  cpu: () => {
    const u = process.cpuUsage();
    return [
      ["used_cpu_sys", (u.system / 1e6).toFixed(6)],
      ["used_cpu_user", (u.user / 1e6).toFixed(6)],
    ];
  },
  commandstats: (s) => {
    const rows: [string, string][] = [];
    for (const cmd of s.commands.all()) {
      if (cmd.calls === 0 && cmd.rejectedCalls === 0) continue;
      rows.push([
        `cmdstat_${cmd.fullName}`,
        `calls=${cmd.calls},rejected_calls=${cmd.rejectedCalls},failed_calls=${cmd.failedCalls}`,
      ]);
    }
    return rows;
  },
  keyspace: (s) => {
    const ks = s.keyspace;
    if (ks.size === 0) return [];
    const expires = ks.expires.size;
    const avgTtl = expires === 0 ? 0 : Math.round(s.janitor.stats.avgTtlMs);
    return [["db0", `keys=${ks.size},expires=${expires},avg_ttl=${avgTtl}`]];
  },
};

const DEFAULT_SECTIONS = [
  "server",
  "clients",
  "memory",
  "persistence",
  "stats",
  "replication",
  "cpu",
  "keyspace",
];

function title(name: string): string {
  return name[0].toUpperCase() + name.slice(1);
}

/** The INFO text for the given section names (none: the default sections). */
export function infoText(s: ServerState, names: string[]): string {
  let wanted: string[];
  if (names.length === 0 || names.includes("default")) wanted = DEFAULT_SECTIONS;
  else if (names.includes("all") || names.includes("everything")) wanted = Object.keys(SECTIONS);
  else wanted = Object.keys(SECTIONS).filter((n) => names.includes(n));
  const parts: string[] = [];
  for (const name of wanted) {
    const rows = SECTIONS[name](s).map(([k, v]) => `${k}:${v}`);
    parts.push([`# ${title(name)}`, ...rows].join("\r\n"));
  }
  return parts.join("\r\n\r\n") + (parts.length ? "\r\n" : "");
}

/** INFO [section ...] */
export function info(cx: Context): void {
  cx.out.bulk(infoText(cx.server, cx.args(1).map((a) => a.toLowerCase())));
}

/** STATS: seed 000's counters, one `name:value` line each. */
export function statsText(s: ServerState): string {
  const st = s.stats;
  const rows: [string, number][] = [
    ["connections", st.connections],
    ["commands", st.commands],
    ["gets", st.gets],
    ["hits", s.keyspace.hits],
    ["misses", s.keyspace.misses],
    ["sets", st.sets],
    ["dels", st.dels],
    ["ttl", st.ttl],
    ["expire", st.expire],
    ["expired_removed", s.keyspace.expiredKeys],
    ["connected_clients", s.clients.size],
    ["rejected_connections", st.rejectedConnections],
    ["keys", s.keyspace.size],
    ["keys_with_ttl", s.keyspace.expires.size],
    ["janitor_cycles", s.janitor.stats.cycles],
    ["janitor_sampled", s.janitor.stats.sampled],
    ["errors", st.errorReplies],
    ["net_input_bytes", st.netInputBytes],
    ["net_output_bytes", st.netOutputBytes],
    ["uptime_seconds", Math.floor((Date.now() - s.startedAt) / 1000)],
  ];
  return rows.map(([k, v]) => `${k}:${v}`).join("\r\n") + "\r\n";
}
