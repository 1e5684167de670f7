// Connection commands: PING, ECHO, SELECT, QUIT, HELLO and CLIENT.
import type { ClientState, Context } from "./context.ts";
import { type CommandSpec, subcommandsOf, subcommandSyntaxError } from "./table.ts";
import { parseInt64 } from "./numbers.ts";
import { NOT_INTEGER, SYNTAX } from "./replies.ts";
import { REDIS_COMPAT_VERSION } from "../version.ts";
import { containerHelp } from "./introspection.ts";

function ping(cx: Context): void {
  if (cx.argc > 2) return cx.out.error("ERR wrong number of arguments for 'ping' command");
  if (cx.argc === 1) cx.out.simple("PONG");
  else cx.out.bulk(cx.arg(1));
}

function select(cx: Context): void {
  const n = cx.argInt(1);
  if (n === undefined) return cx.out.error(NOT_INTEGER);
  if (n < -2147483648 || n > 2147483647) {
    return cx.out.error("ERR value is out of range, value must between -2147483648 and 2147483647");
  }
  if (n !== 0) return cx.out.error("ERR DB index is out of range");
  cx.out.ok();
}

function quit(cx: Context): void {
  cx.client.closeAfterReply = true;
  cx.out.ok();
}

/** A client or library name may hold no spaces, newlines or other special characters. */
function validName(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 33 || c > 126) return false;
  }
  return true;
}

function setName(cx: Context, client: ClientState, name: string): boolean {
  if (!validName(name)) {
    cx.out.error("ERR Client names cannot contain spaces, newlines or special characters.");
    return false;
  }
  client.name = name;
  return true;
}

function hello(cx: Context): void {
  let i = 1;
  if (cx.argc >= 2) {
    const ver = cx.argInt(1);
    if (ver === undefined) {
      return cx.out.error("ERR Protocol version is not an integer or out of range");
    }
    if (ver !== 2) return cx.out.error("NOPROTO unsupported protocol version");
    i = 2;
  }
  let name: string | undefined;
  for (; i < cx.argc; i++) {
    const more = cx.argc - i - 1;
    if (cx.argIs(i, "auth") && more >= 2) {
      // No users or passwords exist: like Redis's default user with nopass, any password works.
      if (cx.arg(i + 1) !== "default") {
        return cx.out.error(
          "WRONGPASS invalid username-password pair or user is disabled.",
        );
      }
      i += 2;
    } else if (cx.argIs(i, "setname") && more >= 1) {
      name = cx.arg(++i);
    } else {
      return cx.out.error(`ERR Syntax error in HELLO option '${cx.arg(i)}'`);
    }
  }
  if (name !== undefined && !setName(cx, cx.client, name)) return;
  const out = cx.out;
  out.array(14);
  out.bulk("server");
  out.bulk("redis");
  out.bulk("version");
  out.bulk(REDIS_COMPAT_VERSION);
  out.bulk("proto");
  out.int(2);
  out.bulk("id");
  out.int(cx.client.id);
  out.bulk("mode");
  out.bulk("standalone");
  out.bulk("role");
  out.bulk("master");
  out.bulk("modules");
  out.array(0);
}

/** One CLIENT LIST line, with Redis's field names. */
export function clientLine(c: ClientState, now: number): string {
  const age = Math.floor((now - c.createdAt) / 1000);
  const idle = Math.floor((now - c.lastInteraction) / 1000);
  // As Redis: O for a monitor, b while blocked (BLPOP ...), N for none.
  const flags = c.monitor ? "O" : c.blocked ? "b" : "N";
  return `id=${c.id} addr=${c.addr} laddr=${c.laddr} fd=-1 name=${c.name} age=${age} idle=${idle} ` +
    `flags=${flags} db=0 sub=0 psub=0 ssub=0 multi=-1 qbuf=${c.queryBufferBytes()} qbuf-free=0 ` +
    `argv-mem=0 multi-mem=0 rbs=0 rbp=0 obl=0 oll=0 omem=0 tot-mem=0 events=r ` +
    `cmd=${c.lastCommand} user=default redir=-1 resp=2 lib-name=${c.libName} lib-ver=${c.libVer}`;
}

function clientList(cx: Context): void {
  let ids: Set<number> | undefined;
  if (cx.argc > 2) {
    if (cx.argIs(2, "type") && cx.argc === 4) {
      const t = cx.arg(3).toLowerCase();
      if (!["normal", "master", "replica", "slave", "pubsub"].includes(t)) {
        return cx.out.error(`ERR Unknown client type '${cx.arg(3)}'`);
      }
      if (t !== "normal") return cx.out.bulk("");
    } else if (cx.argIs(2, "id") && cx.argc > 3) {
      ids = new Set();
      for (let i = 3; i < cx.argc; i++) {
        const id = cx.argInt(i);
        if (id === undefined || id <= 0) return cx.out.error("ERR Invalid client ID");
        ids.add(Number(id));
      }
    } else {
      return cx.out.error(SYNTAX);
    }
  }
  const now = Date.now();
  let text = "";
  for (const c of cx.server.clients.values()) {
    if (ids === undefined || ids.has(c.id)) text += clientLine(c, now) + "\n";
  }
  cx.out.bulk(text);
}

function clientKill(cx: Context): void {
  const clients = cx.server.clients;
  if (cx.argc === 3) {
    // The old form: CLIENT KILL addr:port.
    const addr = cx.arg(2);
    for (const c of clients.values()) {
      if (c.addr === addr) {
        c.kill();
        return cx.out.ok();
      }
    }
    return cx.out.error("ERR No such client");
  }
  let id: number | undefined;
  let addr: string | undefined;
  let laddr: string | undefined;
  let skipMe = true;
  for (let i = 2; i < cx.argc; i += 2) {
    if (i + 1 >= cx.argc) return cx.out.error(SYNTAX);
    const v = cx.arg(i + 1);
    if (cx.argIs(i, "id")) {
      const n = parseInt64(v);
      if (n === undefined || n <= 0) return cx.out.error("ERR client-id should be greater than 0");
      id = Number(n);
    } else if (cx.argIs(i, "addr")) addr = v;
    else if (cx.argIs(i, "laddr")) laddr = v;
    else if (cx.argIs(i, "skipme")) {
      const yes = cx.argIs(i + 1, "yes");
      if (!yes && !cx.argIs(i + 1, "no")) return cx.out.error(SYNTAX);
      skipMe = yes;
    } else return cx.out.error(SYNTAX);
  }
  let killed = 0;
  for (const c of [...clients.values()]) {
    if (id !== undefined && c.id !== id) continue;
    if (addr !== undefined && c.addr !== addr) continue;
    if (laddr !== undefined && c.laddr !== laddr) continue;
    if (skipMe && c === cx.client) continue;
    c.kill();
    killed++;
  }
  cx.out.int(killed);
}

function clientSetinfo(cx: Context): void {
  const attr = cx.arg(2).toLowerCase();
  const value = cx.arg(3);
  if (attr !== "lib-name" && attr !== "lib-ver") {
    return cx.out.error(`ERR Unrecognized option '${cx.arg(2)}'`);
  }
  if (!validName(value)) {
    return cx.out.error(`ERR ${attr} cannot contain spaces, newlines or special characters.`);
  }
  if (attr === "lib-name") cx.client.libName = value;
  else cx.client.libVer = value;
  cx.out.ok();
}

/** CLIENT UNBLOCK id [TIMEOUT|ERROR]: the reason is checked before the id, as in Redis. */
function clientUnblock(cx: Context): void {
  if (cx.argc > 4) {
    return subcommandSyntaxError(cx, "CLIENT");
  }
  let error = false;
  if (cx.argc === 4) {
    if (cx.argIs(3, "error")) error = true;
    else if (!cx.argIs(3, "timeout")) {
      return cx.out.error("ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR");
    }
  }
  const id = cx.argInt(2);
  if (id === undefined) return cx.out.error(NOT_INTEGER);
  cx.out.int(cx.server.blocking.unblock(Number(id), error) ? 1 : 0);
}

/** CLIENT NO-EVICT and NO-TOUCH: accepted for compatibility; keyval never evicts. */
function onOff(cx: Context): void {
  if (!cx.argIs(2, "on") && !cx.argIs(2, "off")) return cx.out.error(SYNTAX);
  cx.out.ok();
}

const clientSub = subcommandsOf({
  flags: ["noscript", "loading", "stale"],
  group: "connection",
  since: "2.4.0",
  complexity: "O(1)",
});

/** Redis flags these CLIENT subcommands admin (MONITOR does not show them, for one). */
const admin = (spec: CommandSpec): CommandSpec => ({ ...spec, flags: ["admin", ...spec.flags] });

const clientSubcommands: CommandSpec[] = [
  clientSub("id", 2, "", "Returns the unique client ID of the connection.", (cx) => {
    cx.out.int(cx.client.id);
  }),
  clientSub("setname", 3, "connection-name", "Sets the connection name.", (cx) => {
    if (setName(cx, cx.client, cx.arg(2))) cx.out.ok();
  }),
  clientSub("getname", 2, "", "Returns the name of the connection.", (cx) => {
    cx.out.bulkOrNil(cx.client.name === "" ? undefined : cx.client.name);
  }),
  clientSub(
    "setinfo",
    4,
    "<LIB-NAME libname | LIB-VER libver>",
    "Sets information specific to the client or connection.",
    clientSetinfo,
  ),
  admin(clientSub(
    "list",
    -2,
    "[TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]]",
    "Lists open connections.",
    clientList,
  )),
  clientSub("info", 2, "", "Returns information about the connection.", (cx) => {
    cx.out.bulk(clientLine(cx.client, Date.now()) + "\n");
  }),
  admin(clientSub(
    "kill",
    -3,
    "<ip:port | [ID client-id] [ADDR ip:port] [LADDR ip:port] [SKIPME <YES | NO>]>",
    "Terminates open connections.",
    clientKill,
  )),
  admin(
    clientSub(
      "no-evict",
      3,
      "<ON | OFF>",
      "Accepted for compatibility; keyval never evicts.",
      onOff,
    ),
  ),
  clientSub("no-touch", 3, "<ON | OFF>", "Accepted for compatibility.", onOff),
  admin(clientSub(
    "unblock",
    -3,
    "client-id [TIMEOUT | ERROR]",
    "Unblocks a client blocked by a blocking command from a different connection.",
    clientUnblock,
  )),
  clientSub("getredir", 2, "", "Returns -1: client-side caching is not offered.", (cx) => {
    cx.out.int(-1);
  }),
  clientSub("help", 2, "", "Returns helpful text about the different subcommands.", (cx) => {
    containerHelp(cx, "client");
  }),
];

export const connectionCommands: CommandSpec[] = [
  {
    name: "ping",
    arity: -1,
    flags: ["fast"],
    group: "connection",
    since: "1.0.0",
    syntax: "[message]",
    summary: "Returns PONG, or the message when one is given.",
    complexity: "O(1)",
    handler: ping,
  },
  {
    name: "echo",
    arity: 2,
    flags: ["fast"],
    group: "connection",
    since: "1.0.0",
    syntax: "message",
    summary: "Returns the given string.",
    complexity: "O(1)",
    handler: (cx) => cx.out.bulk(cx.arg(1)),
  },
  {
    name: "select",
    arity: 2,
    flags: ["loading", "stale", "fast"],
    group: "connection",
    since: "1.0.0",
    syntax: "index",
    summary: "Changes the selected database: keyval has one database, 0.",
    complexity: "O(1)",
    handler: select,
  },
  {
    name: "quit",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth"],
    group: "connection",
    since: "1.0.0",
    syntax: "",
    summary: "Closes the connection after replying OK.",
    complexity: "O(1)",
    handler: quit,
  },
  {
    name: "hello",
    arity: -1,
    flags: ["noscript", "loading", "stale", "fast", "no_auth"],
    group: "connection",
    since: "6.0.0",
    syntax: "[protover [AUTH username password] [SETNAME clientname]]",
    summary: "Handshakes with the server; keyval speaks protocol 2 (RESP2).",
    complexity: "O(1)",
    handler: hello,
  },
  {
    name: "client",
    arity: -2,
    flags: [],
    group: "connection",
    since: "2.4.0",
    syntax: "<subcommand> [arguments]",
    summary: "A container for client connection commands.",
    complexity: "Depends on subcommand.",
    subcommands: clientSubcommands,
  },
];
