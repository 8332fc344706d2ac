import type { CommandNode, OptionInfo } from "./command-tree.ts";
import { GLOBAL_OPTIONS_HELP } from "./global-options.ts";

/** docs/cli.md: every command, its arguments and options, as the command definitions say them. Pure. */
export function renderCliReference(commands: readonly CommandNode[]): string {
  const all = commands.flatMap(function flatten(node): CommandNode[] {
    return [node, ...node.subcommands.flatMap(flatten)];
  });
  const lines = [
    "# lade command reference",
    "",
    "<!-- Generated from the command definitions by `bun scripts/cli-reference.ts`; test/cli/cli-reference.test.ts fails when it is stale. Do not edit. -->",
    "",
    "Every command takes the global options:",
    "",
    "```",
    GLOBAL_OPTIONS_HELP,
    "```",
    "",
    "Exit codes: `0` done, `1` failed, `2` usage error (unknown command or option, a bad value). Errors: `lade: error: …` on stderr",
    "(`FILE:LINE:COL: ` first where the input has a place), then `hint: …` where lade knows the fix.",
    "",
    "| command | what it does |",
    "|---|---|",
    ...all.map((node) => `| [\`lade ${node.path.join(" ")}\`](#${anchor(node)}) | ${cell(node.summary)} |`),
  ];
  for (const node of all) lines.push("", ...renderCommand(node));
  return `${lines.join("\n")}\n`;
}

function renderCommand(node: CommandNode): string[] {
  const usage = [
    "lade",
    ...node.path,
    ...(node.subcommands.length > 0 ? ["COMMAND"] : []),
    ...(node.options.length > 0 ? ["[OPTIONS]"] : []),
    ...node.positionals.map((positional) => (positional.required ? positional.name.toUpperCase() : `[${positional.name.toUpperCase()}]`)),
  ].join(" ");
  const lines = [`## lade ${node.path.join(" ")}`, "", "```", usage, "```", "", prose(node.description || node.summary)];
  if (node.subcommands.length > 0) {
    lines.push("", "| command | what it does |", "|---|---|", ...node.subcommands.map((child) => `| [\`lade ${child.path.join(" ")}\`](#${anchor(child)}) | ${cell(child.summary)} |`));
  }
  if (node.positionals.length > 0) {
    lines.push("", "| argument | |", "|---|---|", ...node.positionals.map((positional) => `| \`${positional.name.toUpperCase()}\`${positional.required ? "" : " (optional)"} | ${cell(positional.description)} |`));
  }
  if (node.options.length > 0) {
    lines.push("", "| option | |", "|---|---|", ...node.options.map((option) => `| ${optionSpelling(option)} | ${cell(optionText(option))} |`));
  }
  return lines;
}

/** `--tag NAME, -t, --imageName`: how the option is written. */
export function optionSpelling(option: OptionInfo): string {
  const value = option.type === "boolean" ? "" : option.type === "enum" ? ` ${option.choices!.join("\\|")}` : " VALUE";
  const aliases = option.aliases.map((alias) => (alias.length === 1 ? `\`-${alias}\`` : `\`--${alias}\``));
  return [`\`--${option.name}${value}\``, ...aliases].join(", ");
}

function optionText(option: OptionInfo): string {
  if (option.type === "boolean" && option.default === "true") return `${option.description} (on unless \`--no-${option.name}\` is given)`;
  return option.default !== undefined ? `${option.description} (default: \`${option.default}\`)` : option.description;
}

function anchor(node: CommandNode): string {
  return `lade-${node.path.join("-")}`;
}

function cell(text: string): string {
  return prose(text).replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** Text as markdown shows it: `<hex>` is not an HTML tag. */
function prose(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}
