// The README's command reference, generated from the command table so the two cannot drift.
import type { CommandTable } from "./table.ts";

const GROUP_TITLES: Record<string, string> = {
  connection: "Connection",
  string: "Strings",
  list: "Lists",
  hash: "Hashes",
  set: "Sets",
  sorted_set: "Sorted sets",
  generic: "Keys and expiry",
  server: "Server and introspection",
};

function cell(s: string): string {
  return s.replace(/\|/g, "\\|");
}

/** The command reference as Markdown tables, one per command group. */
export function commandReference(table: CommandTable): string {
  const groups = new Map<string, string[]>();
  for (const cmd of table.all()) {
    const spec = cmd.spec;
    if (!spec.handler) continue;
    const name = cmd.parent
      ? `${cmd.parent.spec.name.toUpperCase()} ${spec.name.toUpperCase()}`
      : spec.name.toUpperCase();
    const group = cmd.parent?.spec.group ?? spec.group;
    if (!(group in GROUP_TITLES)) throw new Error(`no README title for command group '${group}'`);
    const usage = `\`${cell(`${name} ${spec.syntax}`.trimEnd())}\``;
    const rows = groups.get(group) ?? [];
    rows.push(`| ${usage} | ${cell(spec.summary)} | ${cell(spec.complexity)} |`);
    groups.set(group, rows);
  }
  const parts: string[] = [];
  for (const [group, title] of Object.entries(GROUP_TITLES)) {
    const rows = groups.get(group);
    if (!rows) continue;
    parts.push(
      `### ${title}\n\n| Command | What it does | Cost |\n| --- | --- | --- |\n${rows.join("\n")}`,
    );
  }
  return parts.join("\n\n") + "\n";
}
