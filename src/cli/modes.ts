// keyval-cli's two non-conversational modes: --pipe (bulk loading raw RESP from stdin) and
// --stat (a rolling one-line-per-interval view built from INFO), as redis-cli has them.
import { fromText, toBytes } from "../protocol/latin1.ts";
import type { Connection, Reply } from "./resp.ts";
import { bytesToHuman, randomHex, writeAll } from "../text.ts";

/** Writes a byte string to stdout. */
export async function print(s: string): Promise<void> {
  try {
    await writeAll(Deno.stdout, toBytes(s));
  } catch (err) {
    // The reader went away (`keyval-cli keys '*' | head -1`): end quietly with the status a
    // shell reports for redis-cli, which SIGPIPE kills there.
    if (err instanceof Deno.errors.BrokenPipe) Deno.exit(141);
    throw err;
  }
}

/** Writes text to stderr. */
export async function printError(s: string): Promise<void> {
  await writeAll(Deno.stderr, new TextEncoder().encode(s));
}

/**
 * --pipe: sends stdin as it is while counting replies, then an ECHO of a random marker; the
 * marker's echo is the last reply. Error replies go to stderr. Returns the exit code.
 */
export async function pipeMode(conn: Connection, timeoutSeconds: number): Promise<number> {
  const marker = randomHex(10);
  let sent = false;
  let errors = 0;
  let replies = 0;
  let lastReplyAt = Date.now();
  // Why the reply loop must stop early; set before the connection is closed under it. (A race
  // against each read would cost a promise per reply: --pipe reads millions.)
  let failure: string | undefined;

  const writing = (async () => {
    for await (const chunk of Deno.stdin.readable) await conn.write(chunk);
    await conn.send(["ECHO", marker]);
    sent = true;
    await print("All data transferred. Waiting for the last reply...\n");
  })().catch((err: Error) => {
    failure ??= `Error writing to the server: ${err.message}\n`;
    conn.close();
  });

  const timer = timeoutSeconds > 0
    ? setInterval(() => {
      if (sent && Date.now() - lastReplyAt > timeoutSeconds * 1000) {
        failure ??= `No replies for ${timeoutSeconds} seconds: exiting.\n`;
        conn.close();
      }
    }, 100)
    : undefined;

  try {
    while (true) {
      const next = await conn.read();
      if (next === null) {
        await printError(failure ?? "Error reading from the server: Connection reset by peer\n");
        return 1;
      }
      lastReplyAt = Date.now();
      if (next.type === "error") {
        await printError(next.text + "\n");
        errors++;
      } else if (sent && next.type === "bulk" && next.text === marker) {
        await print("Last reply received from server.\n");
        break;
      }
      replies++;
    }
  } finally {
    clearInterval(timer);
  }
  await writing;
  await print(`errors: ${errors}, replies: ${replies}\n`);
  return errors ? 1 : 0;
}

/** A field of an INFO text found as redis-cli finds it (first occurrence); NaN when absent. */
export function infoField(info: string, field: string): number {
  const at = info.indexOf(field);
  if (at < 0) return NaN;
  const rest = info.slice(at + field.length + 1);
  const m = rest.match(/^\s*[+-]?\d+/);
  return m ? Number(m[0]) : 0;
}

const STAT_HEADER =
  "------- data ------ --------------------- load -------------------- - child -\n" +
  "keys       mem      clients blocked requests            connections          \n";

/** One --stat line from an INFO text; `previous` is the last request count (0 at first). */
export function statLine(info: string, previous: number): { line: string; requests: number } {
  let keys = 0;
  for (let db = 0; db < 20; db++) {
    const k = infoField(info, `db${db}:keys`);
    if (!Number.isNaN(k)) keys += k;
  }
  const num = (field: string) => {
    const v = infoField(info, field);
    return Number.isNaN(v) ? 0 : v;
  };
  const requests = num("total_commands_processed");
  let line = String(keys).padEnd(11);
  line += bytesToHuman(num("used_memory")).padEnd(8);
  line += " " + String(num("connected_clients")).padEnd(8);
  line += String(num("blocked_clients")).padEnd(8);
  line += `${requests} (+${previous === 0 ? 0 : requests - previous})`.padEnd(19);
  line += " " + String(num("total_connections_received")).padEnd(12);
  const children = num("bgsave_in_progress") | (num("aof_rewrite_in_progress") << 1) |
    (num("loading") << 2);
  line += ["", "SAVE", "AOF", "SAVE+AOF", "LOAD"][children] ?? "";
  return { line: line + "\n", requests };
}

/** --stat: a line per interval (a header every 20), until interrupted or the server goes away. */
export async function statMode(conn: Connection, intervalSeconds: number): Promise<number> {
  let requests = 0;
  for (let i = 0;; i++) {
    let reply: Reply | null;
    try {
      reply = await conn.call("INFO");
    } catch {
      reply = null;
    }
    if (reply === null) {
      await printError("\nI/O error\n");
      return 1;
    }
    if (reply.type === "error") {
      await printError(`ERROR: ${reply.text}\n`);
      return 1;
    }
    const info = reply.type === "bulk" ? reply.text : "";
    const row = statLine(info, requests);
    requests = row.requests;
    await print((i % 20 === 0 ? STAT_HEADER : "") + fromText(row.line));
    await new Promise((r) => setTimeout(r, intervalSeconds * 1000));
  }
}
