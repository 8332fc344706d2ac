import { renderUsage, runCommand, type ArgsDef, type CommandDef } from "citty";
import { describeNetworkError } from "../util/network-fetch.ts";
import { UserInputError } from "../util/source-location.ts";
import { colorWanted, stripAnsi } from "../util/terminal-color.ts";
import { setCommandTable, setGlobalOptions } from "./command-context.ts";
import { commandLoaders, commandSummaries } from "./commands/index.ts";
import { extractGlobalOptions, GLOBAL_OPTIONS_HELP, UsageError, type GlobalOptions } from "./global-options.ts";

import { EXIT_FAILURE, EXIT_OK, EXIT_USAGE } from "./exit-codes.ts";

export { EXIT_FAILURE, EXIT_OK, EXIT_USAGE };

/** Run lade with the given arguments and return the exit code. Only this module prints errors. */
export async function runCli(argv: readonly string[]): Promise<number> {
  let global: GlobalOptions = { debug: argv.includes("--debug") };
  try {
    const extracted = extractGlobalOptions(argv);
    global = extracted.options;
    const [verb, ...rest] = extracted.rest;
    if (!verb || verb === "--help" || verb === "-h" || verb === "help") {
      const topic = verb === "help" ? rest[0] : undefined;
      if (topic) return await printCommandHelp(topic);
      process.stdout.write(rootHelp());
      return EXIT_OK;
    }
    if (verb === "--version" || verb === "-v") return await runCli(["version"]);
    const load = commandLoaders[verb];
    if (!load) throw new UsageError(`Unknown command "${verb}": run "lade --help" to list the commands`);
    const command = await load();
    const { command: target, words, rawArgs } = await resolveSubCommand(command, rest);
    const name = [verb, ...words].join(" ");
    if (rest.includes("--help") || rest.includes("-h")) return await printCommandHelp(name, target);
    await checkKnownFlags(name, target, rawArgs);
    setGlobalOptions(global);
    setCommandTable({ loaders: commandLoaders, summaries: commandSummaries });
    await runCommand(command, { rawArgs: rest });
    return (process.exitCode as number | undefined) ?? EXIT_OK;
  } catch (error) {
    return reportError(error, global);
  }
}

function rootHelp(): string {
  const width = Math.max(...Object.keys(commandSummaries).map((name) => name.length));
  const lines = Object.entries(commandSummaries).map(([name, summary]) => `  ${name.padEnd(width)}  ${summary}`);
  return [
    "lade: build, ship and install offline Kubernetes cluster images",
    "",
    "Usage: lade [--root DIR] [--debug] COMMAND [OPTIONS]",
    "",
    "Commands:",
    ...lines,
    "",
    "Global options:",
    GLOBAL_OPTIONS_HELP,
    "",
    'Run "lade COMMAND --help" for a command\'s options.',
    "",
  ].join("\n");
}

/** Follow `lade VERB SUB …` down to the sub-command that will run, as citty will. */
async function resolveSubCommand(
  command: CommandDef<any>,
  rawArgs: readonly string[],
): Promise<{ command: CommandDef<any>; words: string[]; rawArgs: readonly string[] }> {
  const subCommands = typeof command.subCommands === "function" ? await command.subCommands() : await command.subCommands;
  const first = rawArgs[0];
  if (!subCommands || !first || first.startsWith("-")) return { command, words: [], rawArgs };
  const entry = subCommands[first];
  if (!entry) throw new UsageError(`Unknown command "${first}": the choices are ${Object.keys(subCommands).join(", ")}`);
  const sub = (typeof entry === "function" ? await entry() : await entry) as CommandDef<any>;
  const deeper = await resolveSubCommand(sub, rawArgs.slice(1));
  return { command: deeper.command, words: [first, ...deeper.words], rawArgs: deeper.rawArgs };
}

async function printCommandHelp(verb: string, loaded?: CommandDef<any>): Promise<number> {
  const load = commandLoaders[verb];
  if (!loaded && !load) throw new UsageError(`Unknown command "${verb}": run "lade --help" to list the commands`);
  const command = loaded ?? (await load!());
  const rendered = await renderUsage(command);
  const usage = colorWanted(process.stdout) ? rendered : stripAnsi(rendered);
  process.stdout.write(`${usage}\n\nGLOBAL OPTIONS\n\n${GLOBAL_OPTIONS_HELP}\n`);
  return EXIT_OK;
}

/** citty ignores flags it does not know; a typo must not silently change what a build does. */
async function checkKnownFlags(verb: string, command: CommandDef<any>, rawArgs: readonly string[]): Promise<void> {
  const definitions = (typeof command.args === "function" ? await command.args() : await command.args) as ArgsDef | undefined;
  const known = new Set<string>();
  for (const [name, definition] of Object.entries(definitions ?? {})) {
    if (definition.type === "positional") continue;
    known.add(name);
    if (definition.type === "boolean") known.add(`no-${name}`);
    const aliases = "alias" in definition ? definition.alias : undefined;
    for (const alias of Array.isArray(aliases) ? aliases : aliases ? [aliases] : []) known.add(alias);
  }
  for (const arg of rawArgs) {
    if (arg === "--") break;
    if (!arg.startsWith("-") || arg === "-") continue;
    const name = arg.replace(/^--?/, "").split("=")[0]!;
    if (!known.has(name)) throw new UsageError(`Unknown option "${arg}" for "lade ${verb}": run "lade ${verb} --help"`);
  }
}

/**
 * Every error in one format: `lade: error: …` (with `FILE:LINE:COL: ` first where the input has
 * a place), the causes it does not say already, and a `hint:` line where lade knows the fix.
 * Usage errors exit 2, the others 1; every cause and the stacks only with --debug.
 */
function reportError(error: unknown, global: GlobalOptions): number {
  const isUsage = error instanceof UsageError || (error instanceof Error && error.name === "CLIError");
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`lade: error: ${message}\n`);
  if (!isUsage && !(error instanceof UserInputError)) {
    let shown = message;
    for (let cause = error instanceof Error ? error.cause : undefined; cause instanceof Error; cause = cause.cause) {
      // already said above, perhaps in lade's words (a network error's runtime text is for --debug)
      if (!global.debug && (shown.includes(cause.message) || shown.includes(describeNetworkError(cause)))) continue;
      process.stderr.write(`  caused by: ${cause.message}\n`);
      shown += cause.message;
    }
  }
  const hint = (error as { hint?: unknown } | undefined)?.hint;
  if (typeof hint === "string") process.stderr.write(`hint: ${hint}\n`);
  if (global.debug && error instanceof Error && error.stack) process.stderr.write(`${error.stack}\n`);
  return isUsage ? EXIT_USAGE : EXIT_FAILURE;
}
