import type { CommandNode, OptionInfo } from "./command-tree.ts";

/**
 * `lade completion bash|zsh|fish`: completion scripts made from the command definitions.
 * They complete commands, sub-commands, options, enum values, files for options that take a
 * value, and image names from the store (`lade images -q`, asked when the user presses TAB). Pure.
 */
export const SHELLS = ["bash", "zsh", "fish"] as const;
export type Shell = (typeof SHELLS)[number];

/** Positional arguments that name an image of the store. */
const IMAGE_ARGUMENTS = new Set(["image", "source", "old", "new"]);
const GLOBAL_OPTIONS = ["--root", "--debug"];

export function completionScript(shell: Shell, commands: readonly CommandNode[]): string {
  if (shell === "bash") return bashScript(commands);
  if (shell === "zsh") return zshScript(commands);
  return fishScript(commands);
}

function flatten(commands: readonly CommandNode[]): CommandNode[] {
  return commands.flatMap((node) => [node, ...flatten(node.subcommands)]);
}

function spellings(option: OptionInfo): string[] {
  return [`--${option.name}`, ...(option.type === "boolean" && option.default === "true" ? [`--no-${option.name}`] : []), ...option.aliases.map((alias) => (alias.length === 1 ? `-${alias}` : `--${alias}`))];
}

const takesImage = (node: CommandNode) => node.positionals.some((positional) => IMAGE_ARGUMENTS.has(positional.name));

function bashScript(commands: readonly CommandNode[]): string {
  const cases = flatten(commands).map((node) => {
    const options = [...node.options.flatMap(spellings), ...GLOBAL_OPTIONS].join(" ");
    const valued = node.options.filter((option) => option.type !== "boolean");
    const values = valued.map((option) => {
      const words = spellings(option).join("|");
      return option.type === "enum" ? `        ${words}) COMPREPLY=($(compgen -W "${option.choices!.join(" ")}" -- "$cur")); return ;;` : `        ${words}) COMPREPLY=($(compgen -f -- "$cur")); return ;;`;
    });
    const children = node.subcommands.map((child) => child.path.at(-1)).join(" ");
    const rest = children
      ? `COMPREPLY=($(compgen -W "${children}" -- "$cur"))`
      : takesImage(node)
        ? 'COMPREPLY=($(compgen -W "$(_lade_images)" -- "$cur") $(compgen -f -- "$cur")); if declare -F __ltrim_colon_completions >/dev/null; then __ltrim_colon_completions "$cur"; fi'
        : 'COMPREPLY=($(compgen -f -- "$cur"))';
    return [
      `    "${node.path.join(" ")}")`,
      '      case "$prev" in',
      ...values,
      "      esac",
      `      if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${options}" -- "$cur")); else ${rest}; fi`,
      "      ;;",
    ].join("\n");
  });
  const withChildren = flatten(commands).filter((node) => node.subcommands.length > 0).map((node) => `"${node.path.join(" ")}"`);
  return `# bash completion for lade (lade completion bash); generated from lade's command definitions.
# Load it with: source <(lade completion bash)   or put it in /etc/bash_completion.d/lade
# COMPREPLY=($(compgen …)) is the idiom zsh's bashcompinit runs too (zsh has no mapfile).
# shellcheck disable=SC2207

_lade_images() {
  local root=()
  [[ -n "\${_lade_root:-}" ]] && root=(--root "$_lade_root")
  lade "\${root[@]}" images -q 2>/dev/null
}

_lade() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}"
  # image names hold ":" (a word break for bash): with bash-completion, take the word whole
  if declare -F _get_comp_words_by_ref >/dev/null; then _get_comp_words_by_ref -n : cur prev; fi
  local words_path="" word i _lade_root=""
  # the command path (not "path": zsh ties that to PATH): the words before the cursor that are not options (global --root DIR skipped)
  for ((i = 1; i < COMP_CWORD; i++)); do
    word="\${COMP_WORDS[i]}"
    if [[ "$word" == --root ]]; then _lade_root="\${COMP_WORDS[i+1]:-}"; ((i++)); continue; fi
    [[ "$word" == -* ]] && continue
    if [[ -z "$words_path" ]]; then words_path="$word"
    else
      case "$words_path" in
        ${withChildren.join("|") || '""'}) words_path="$words_path $word" ;;
      esac
      break
    fi
  done
  if [[ "$prev" == --root ]]; then COMPREPLY=($(compgen -d -- "$cur")); return; fi
  if [[ -z "$words_path" ]]; then
    if [[ "$cur" == -* ]]; then COMPREPLY=($(compgen -W "${GLOBAL_OPTIONS.join(" ")} --help --version" -- "$cur"))
    else COMPREPLY=($(compgen -W "${commands.map((node) => node.path[0]).join(" ")}" -- "$cur")); fi
    return
  fi
  case "$words_path" in
${cases.join("\n")}
  esac
}

complete -o filenames -F _lade lade
`;
}

function zshScript(commands: readonly CommandNode[]): string {
  // zsh runs the bash function through bashcompinit, so both shells complete exactly alike
  return `#compdef lade
# zsh completion for lade (lade completion zsh); generated from lade's command definitions.
# Load it with: source <(lade completion zsh)   or save it as _lade in a folder of $fpath
autoload -U +X bashcompinit && bashcompinit
${bashScript(commands).split("\n").filter((line) => !line.startsWith("# ")).join("\n")}`;
}

function fishScript(commands: readonly CommandNode[]): string {
  const quote = (text: string) => `'${text.replace(/\\/g, "\\\\").replace(/'/g, "\\'")}'`;
  const short = (text: string) => quote(text.split(/(?<=[.;:])\s/)[0]!.slice(0, 100));
  const lines = [
    "# fish completion for lade (lade completion fish); generated from lade's command definitions.",
    "# Load it with: lade completion fish | source   or save it as ~/.config/fish/completions/lade.fish",
    "complete -c lade -f",
    "complete -c lade -l root -r -a '(__fish_complete_directories)' -d 'Store directory'",
    "complete -c lade -l debug -d 'Show stack traces of errors'",
    "function __lade_images; lade images -q 2>/dev/null; end",
  ];
  for (const node of commands) lines.push(`complete -c lade -n __fish_use_subcommand -a ${node.path[0]} -d ${short(node.summary)}`);
  for (const node of flatten(commands)) {
    const condition = node.path.length === 1 ? `__fish_seen_subcommand_from ${node.path[0]}` : `__fish_seen_subcommand_from ${node.path[0]}; and __fish_seen_subcommand_from ${node.path.at(-1)}`;
    for (const child of node.subcommands) lines.push(`complete -c lade -n ${quote(`__fish_seen_subcommand_from ${node.path[0]}; and not __fish_seen_subcommand_from ${node.subcommands.map((entry) => entry.path.at(-1)).join(" ")}`)} -a ${child.path.at(-1)} -d ${short(child.summary)}`);
    for (const option of node.options) {
      const flags = [`-l ${option.name}`, ...option.aliases.map((alias) => (alias.length === 1 ? `-s ${alias}` : `-l ${alias}`))].join(" ");
      const value = option.type === "enum" ? ` -x -a ${quote(option.choices!.join(" "))}` : option.type === "string" ? " -r -F" : "";
      lines.push(`complete -c lade -n ${quote(condition)} ${flags}${value} -d ${short(option.description)}`);
      if (option.type === "boolean" && option.default === "true") lines.push(`complete -c lade -n ${quote(condition)} -l no-${option.name} -d ${short(`Turn off: ${option.description}`)}`);
    }
    if (takesImage(node)) lines.push(`complete -c lade -n ${quote(condition)} -a '(__lade_images)' -F`);
  }
  return `${lines.join("\n")}\n`;
}
