import { defineCommand } from "citty";
import { commandTable } from "../command-context.ts";
import { commandTree } from "../command-tree.ts";
import { completionScript, SHELLS, type Shell } from "../completion-script.ts";
import { UsageError } from "../global-options.ts";

export const completionCommand = defineCommand({
  meta: {
    name: "completion",
    description:
      "Print a shell completion script for bash, zsh or fish, made from lade's command definitions: commands, sub-commands, " +
      "options, their values (enum choices, files) and image names from the store. Load it with `source <(lade completion bash)` " +
      "(bash, zsh) or `lade completion fish | source`; to keep it, save it as /etc/bash_completion.d/lade, _lade in $fpath, or " +
      "~/.config/fish/completions/lade.fish.",
  },
  args: {
    shell: { type: "positional", description: "bash, zsh or fish", required: true },
  },
  async run({ args }) {
    if (!SHELLS.includes(args.shell as Shell)) throw new UsageError(`lade completion knows ${SHELLS.join(", ")}, not "${args.shell}"`);
    process.stdout.write(completionScript(args.shell as Shell, await commandTree(commandTable())));
  },
});
