import type { ArgDef, CommandDef } from "citty";

/**
 * Every command of lade as data, read from the command definitions themselves: what the CLI
 * reference (docs/cli.md) and the shell completions are made from, so neither can drift.
 */
export interface CommandNode {
  /** The words that run it: ["render", "chart"]. */
  readonly path: readonly string[];
  readonly summary: string;
  readonly description: string;
  readonly positionals: readonly PositionalInfo[];
  readonly options: readonly OptionInfo[];
  readonly subcommands: readonly CommandNode[];
}

export interface PositionalInfo {
  readonly name: string;
  readonly description: string;
  readonly required: boolean;
}

export interface OptionInfo {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly type: "string" | "boolean" | "enum";
  readonly description: string;
  readonly default?: string;
  readonly choices?: readonly string[];
}

/** The verbs of lade: how to load each command, and its one-line summary (src/cli/commands/index.ts). */
export interface CommandTable {
  readonly loaders: Readonly<Record<string, () => Promise<CommandDef<any>>>>;
  readonly summaries: Readonly<Record<string, string>>;
}

type Resolvable<T> = T | Promise<T> | (() => T) | (() => Promise<T>);

async function resolveValue<T>(value: Resolvable<T> | undefined): Promise<T | undefined> {
  return typeof value === "function" ? await (value as () => T | Promise<T>)() : await value;
}

/** The tree of every top-level command (in the order `lade --help` lists them) and their sub-commands. */
export async function commandTree(table: CommandTable): Promise<CommandNode[]> {
  const nodes: CommandNode[] = [];
  for (const [name, load] of Object.entries(table.loaders)) nodes.push(await describeCommand([name], await load(), table.summaries[name] ?? ""));
  return nodes;
}

// citty's types are generic over each command's own args; here every command is read alike
async function describeCommand(path: readonly string[], command: CommandDef<any>, summary: string): Promise<CommandNode> {
  const meta = (await resolveValue(command.meta)) ?? {};
  const args = ((await resolveValue(command.args)) ?? {}) as Record<string, ArgDef>;
  const positionals: PositionalInfo[] = [];
  const options: OptionInfo[] = [];
  for (const [name, def] of Object.entries(args)) {
    const description = def.description ?? "";
    if (def.type === "positional") {
      positionals.push({ name, description, required: def.required !== false });
      continue;
    }
    const alias = "alias" in def ? def.alias : undefined;
    const aliases = alias === undefined ? [] : Array.isArray(alias) ? alias : [alias];
    const type = def.type === "boolean" ? "boolean" : def.type === "enum" ? "enum" : "string";
    const choices = def.type === "enum" ? (def.options as readonly string[]) : undefined;
    const fallback = "default" in def && def.default !== undefined && def.default !== false ? String(def.default) : undefined;
    options.push({ name, aliases, type, description, ...(fallback !== undefined ? { default: fallback } : {}), ...(choices ? { choices } : {}) });
  }
  const subcommands: CommandNode[] = [];
  const children = ((await resolveValue(command.subCommands)) ?? {}) as Record<string, Resolvable<CommandDef<any>>>;
  for (const [name, child] of Object.entries(children)) {
    const resolved = (await resolveValue(child))!;
    const childMeta = (await resolveValue(resolved.meta)) ?? {};
    subcommands.push(await describeCommand([...path, name], resolved, childMeta.description?.split(/(?<=\.)\s/)[0] ?? ""));
  }
  return { path, summary: summary || (meta.description ?? "").split(/(?<=\.)\s/)[0]!, description: meta.description ?? "", positionals, options, subcommands };
}
