// Commands that describe the command table itself: COMMAND (COUNT, INFO, DOCS, LIST), HELP and
// the HELP subcommand of containers. Everything here is read from the table's entries.
import type { Context } from "./context.ts";
import { type Command, type CommandSpec, type Flag, subcommandsOf } from "./table.ts";
import { globMatch } from "../store/glob.ts";
import { SYNTAX } from "./replies.ts";

/** Redis's ACL categories for a command, derived from its flags and group. */
function aclCategories(spec: CommandSpec): string[] {
  const cats: string[] = [];
  const has = (f: Flag) => spec.flags.includes(f);
  if (spec.keys) cats.push("@keyspace");
  if (has("write")) cats.push("@write");
  if (has("readonly")) cats.push("@read");
  if (has("admin")) cats.push("@admin", "@dangerous");
  if (spec.group !== "generic" && spec.group !== "server") cats.push(`@${spec.group}`);
  cats.push(has("fast") ? "@fast" : "@slow");
  return cats;
}

function writeInfo(cx: Context, cmd: Command): void {
  const out = cx.out;
  const spec = cmd.spec;
  const [first, last, step] = spec.keys ?? [0, 0, 0];
  out.array(10);
  out.bulk(cmd.fullName);
  out.int(spec.arity);
  out.array(spec.flags.length);
  for (const f of spec.flags) out.simple(f);
  out.int(first);
  out.int(last);
  out.int(step);
  const cats = aclCategories(spec);
  out.array(cats.length);
  for (const c of cats) out.simple(c);
  out.array(0); // tips
  out.array(0); // key specifications
  out.array(cmd.subcommands.size);
  for (const sub of cmd.subcommands.values()) writeInfo(cx, sub);
}

function writeDocs(cx: Context, cmd: Command): void {
  const out = cx.out;
  const spec = cmd.spec;
  out.array(cmd.subcommands.size > 0 ? 10 : 8);
  out.bulk("summary");
  out.bulk(spec.summary);
  out.bulk("since");
  out.bulk(spec.since);
  out.bulk("group");
  out.bulk(spec.group);
  out.bulk("complexity");
  out.bulk(spec.complexity);
  if (cmd.subcommands.size > 0) {
    out.bulk("subcommands");
    out.array(cmd.subcommands.size * 2);
    for (const sub of cmd.subcommands.values()) {
      out.bulk(sub.fullName);
      writeDocs(cx, sub);
    }
  }
}

/** Commands named by arguments from..argc (case-insensitive, "container|sub" allowed). */
function named(cx: Context, from: number): (Command | undefined)[] {
  const found: (Command | undefined)[] = [];
  for (let i = from; i < cx.argc; i++) {
    const [name, sub] = cx.arg(i).toLowerCase().split("|", 2);
    const cmd = cx.server.commands.byName.get(name);
    found.push(sub === undefined ? cmd : cmd?.subcommands.get(sub));
  }
  return found;
}

function commandAll(cx: Context): void {
  const cmds = [...cx.server.commands.byName.values()];
  cx.out.array(cmds.length);
  for (const cmd of cmds) writeInfo(cx, cmd);
}

function commandInfo(cx: Context): void {
  if (cx.argc === 2) return commandAll(cx);
  const found = named(cx, 2);
  cx.out.array(found.length);
  for (const cmd of found) {
    if (cmd === undefined) cx.out.nilArray();
    else writeInfo(cx, cmd);
  }
}

function commandDocs(cx: Context): void {
  const found = cx.argc === 2 ? [...cx.server.commands.byName.values()] : named(cx, 2);
  const known = found.filter((c): c is Command => c !== undefined);
  cx.out.array(known.length * 2);
  for (const cmd of known) {
    cx.out.bulk(cmd.fullName);
    writeDocs(cx, cmd);
  }
}

function commandList(cx: Context): void {
  let keep = (_: Command) => true;
  if (cx.argc > 2) {
    if (cx.argc !== 5 || !cx.argIs(2, "filterby")) return cx.out.error(SYNTAX);
    const value = cx.arg(4);
    if (cx.argIs(3, "pattern")) keep = (c) => globMatch(value, c.fullName, true);
    else if (cx.argIs(3, "aclcat")) {
      keep = (c) => aclCategories(c.spec).includes("@" + value.toLowerCase());
    } else if (cx.argIs(3, "module")) keep = () => false;
    else return cx.out.error(SYNTAX);
  }
  const names = [...cx.server.commands.all()].filter(keep).map((c) => c.fullName);
  cx.out.bulks(names);
}

/** Replies with the HELP text of a container command (CLIENT HELP, CONFIG HELP ...). */
export function containerHelp(cx: Context, name: string): void {
  const cmd = cx.server.commands.byName.get(name)!;
  const lines = [`${name.toUpperCase()} <subcommand> [<arg> [value] [opt] ...]. Subcommands are:`];
  for (const sub of cmd.subcommands.values()) {
    lines.push(`${sub.spec.name.toUpperCase()} ${sub.spec.syntax}`.trimEnd());
    lines.push(`    ${sub.spec.summary}`);
  }
  cx.out.array(lines.length);
  for (const line of lines) cx.out.simple(line);
}

/** One line of HELP: the command and its syntax. */
function usage(cmd: Command): string {
  const name = cmd.parent
    ? `${cmd.parent.spec.name.toUpperCase()} ${cmd.spec.name.toUpperCase()}`
    : cmd.spec.name.toUpperCase();
  return `${name} ${cmd.spec.syntax}`.trimEnd();
}

function help(cx: Context): void {
  const table = cx.server.commands;
  if (cx.argc === 1) {
    const lines = ["keyval commands (HELP <command> for details):"];
    for (const cmd of table.all()) if (cmd.spec.handler) lines.push(usage(cmd));
    cx.out.array(lines.length);
    for (const line of lines) cx.out.simple(line);
    return;
  }
  const [cmd] = named(cx, 1);
  if (cmd === undefined) return cx.out.error(`ERR unknown command '${cx.arg(1)}'`);
  const lines = [usage(cmd), `  ${cmd.spec.summary}`];
  for (const sub of cmd.subcommands.values()) lines.push(`  ${usage(sub)}`);
  lines.push(
    `  group: ${cmd.spec.group}, since: ${cmd.spec.since}, complexity: ${cmd.spec.complexity}`,
  );
  cx.out.array(lines.length);
  for (const line of lines) cx.out.simple(line);
}

const sub = subcommandsOf({
  flags: ["loading", "stale"],
  group: "server",
  since: "2.8.13",
  complexity: "O(N) where N is the number of commands",
});

export const introspectionCommands: CommandSpec[] = [
  {
    name: "command",
    arity: -1,
    flags: ["loading", "stale"],
    group: "server",
    since: "2.8.13",
    syntax: "[subcommand [arguments]]",
    summary: "Returns detailed information about all commands.",
    complexity: "O(N) where N is the total number of commands",
    handler: commandAll,
    subcommands: [
      sub("count", 2, "", "Returns a count of commands.", (cx) => {
        cx.out.int(cx.server.commands.byName.size);
      }),
      sub(
        "info",
        -2,
        "[command-name [command-name ...]]",
        "Returns information about commands.",
        commandInfo,
      ),
      sub(
        "docs",
        -2,
        "[command-name [command-name ...]]",
        "Returns documentary information about commands.",
        commandDocs,
      ),
      sub(
        "list",
        -2,
        "[FILTERBY <MODULE module-name | ACLCAT category | PATTERN pattern>]",
        "Returns a list of command names.",
        commandList,
      ),
      sub("help", 2, "", "Returns helpful text about the different subcommands.", (cx) => {
        containerHelp(cx, "command");
      }),
    ],
  },
  {
    name: "help",
    arity: -1,
    flags: ["loading", "stale", "fast"],
    group: "server",
    since: "0.1.0",
    syntax: "[command]",
    summary: "Lists every command with its syntax, or describes one command (keyval's own).",
    complexity: "O(N) where N is the number of commands",
    handler: help,
  },
];
