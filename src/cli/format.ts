// How keyval-cli prints replies and reads typed arguments: redis-cli's TTY form (quoted strings,
// `(integer) 1`, numbered nested arrays), its raw form for pipes, and its argument splitter.
import type { Reply } from "./resp.ts";
import { repr } from "../text.ts";

/** Output modes, as redis-cli chooses them: TTY on a terminal, raw otherwise. */
export type OutputMode = "tty" | "raw";

/** A reply in redis-cli's TTY form; `prefix` is the indentation of nested array elements. */
export function formatTTY(r: Reply, prefix = ""): string {
  switch (r.type) {
    case "error":
      return `(error) ${r.text}\n`;
    case "status":
      return `${r.text}\n`;
    case "integer":
      return `(integer) ${r.text}\n`;
    case "bulk":
      return repr(r.text) + "\n";
    case "nil":
      return "(nil)\n";
    case "array": {
      if (r.items.length === 0) return "(empty array)\n";
      // Indices are right-aligned to the widest one; nested arrays indent past it.
      const width = String(r.items.length).length;
      const inner = prefix + " ".repeat(width + 2);
      let out = "";
      for (let i = 0; i < r.items.length; i++) {
        // The first element follows its parent's index on the same line.
        out += (i === 0 ? "" : prefix) + String(i + 1).padStart(width) + ") ";
        out += formatTTY(r.items[i], inner);
      }
      return out;
    }
  }
}

/** A reply in redis-cli's raw form, without the final newline: array elements one per line. */
export function formatRaw(r: Reply): string {
  switch (r.type) {
    case "error":
      return r.text + "\n";
    case "status":
    case "integer":
    case "bulk":
      return r.text;
    case "nil":
      return "";
    case "array":
      return r.items.map(formatRaw).join("\n");
  }
}

/** Commands whose text replies redis-cli prints as they are, even on a terminal (INFO ...). */
export function isVerbatim(argv: string[]): boolean {
  const cmd = argv[0].toLowerCase();
  const sub = argv.length >= 2 ? argv[1].toLowerCase() : "";
  const n = argv.length;
  return cmd === "info" || cmd === "lolwut" ||
    (cmd === "debug" && ["htstats", "htstats-key", "client-eviction"].includes(sub)) ||
    (cmd === "memory" && (sub === "malloc-stats" || sub === "doctor")) ||
    (cmd === "cluster" && n === 2 && (sub === "nodes" || sub === "info")) ||
    (cmd === "client" && (sub === "list" || sub === "info")) ||
    (cmd === "latency" && ((n === 3 && sub === "graph") || (n === 2 && sub === "doctor")));
}

/** Commands that carry a password (AUTH, ACL SETUSER, HELLO ... AUTH ...), kept out of history. */
export function isSensitive(argv: string[]): boolean {
  const word = (i: number) => (argv[i] ?? "").toLowerCase();
  const n = argv.length;
  if (word(0) === "auth") return true;
  if (n > 1 && word(0) === "acl" && word(1) === "setuser") return true;
  if (n > 2 && word(0) === "config" && word(1) === "set") {
    return ["masterauth", "masteruser", "requirepass"].includes(word(2));
  }
  if (n > 4 && word(0) === "hello") {
    for (let j = 2; j < n; j++) {
      const more = n - 1 - j;
      if (word(j) === "auth" && more >= 2) return true;
      if (word(j) === "setname" && more) j++;
      else return false;
    }
  }
  if (n > 7 && word(0) === "migrate") {
    for (let j = 6; j < n; j++) {
      const more = n - 1 - j;
      if ((word(j) === "auth" && more) || (word(j) === "auth2" && more >= 2)) return true;
      if (word(j) === "keys" && more) return false;
    }
  }
  return false;
}

/** A reply as redis-cli prints it for the command `argv` in the given mode. */
export function formatReply(r: Reply, mode: OutputMode, argv: string[]): string {
  if (isVerbatim(argv)) return formatRaw(r);
  return mode === "tty" ? formatTTY(r) : formatRaw(r) + "\n";
}

const isHex = (c: string) => /^[0-9a-fA-F]$/.test(c);
const SPACE = /^[ \n\r\t\v\f]$/;

/**
 * Splits a typed line (a byte string) into arguments with redis-cli's sdssplitargs rules:
 * "double quotes" with \n \r \t \b \a \xNN escapes, 'single quotes' with \' only, and a closing
 * quote that must end the argument. Returns null for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | null {
  const argv: string[] = [];
  let p = 0;
  // A NUL ends the line, as it ends the C string redis-cli splits.
  const nul = line.indexOf("\0");
  const end = nul < 0 ? line.length : nul;
  while (true) {
    while (p < end && SPACE.test(line[p])) p++;
    if (p >= end) return argv;
    let inq = false;
    let insq = false;
    let current = "";
    let done = false;
    while (!done) {
      const c = p < end ? line[p] : "";
      if (inq) {
        if (
          c === "\\" && line[p + 1] === "x" && isHex(line[p + 2] ?? "") && isHex(line[p + 3] ?? "")
        ) {
          current += String.fromCharCode(parseInt(line.slice(p + 2, p + 4), 16));
          p += 3;
        } else if (c === "\\" && p + 1 < end) {
          p++;
          const e = line[p];
          current += e === "n"
            ? "\n"
            : e === "r"
            ? "\r"
            : e === "t"
            ? "\t"
            : e === "b"
            ? "\b"
            : e === "a"
            ? "\x07"
            : e;
        } else if (c === '"') {
          if (p + 1 < end && !SPACE.test(line[p + 1])) return null;
          done = true;
        } else if (c === "") {
          return null;
        } else {
          current += c;
        }
      } else if (insq) {
        if (c === "\\" && line[p + 1] === "'") {
          p++;
          current += "'";
        } else if (c === "'") {
          if (p + 1 < end && !SPACE.test(line[p + 1])) return null;
          done = true;
        } else if (c === "") {
          return null;
        } else {
          current += c;
        }
      } else if (c === " " || c === "\n" || c === "\r" || c === "\t" || c === "") {
        done = true;
      } else if (c === '"') {
        inq = true;
      } else if (c === "'") {
        insq = true;
      } else {
        current += c;
      }
      if (p < end) p++;
    }
    argv.push(current);
  }
}
