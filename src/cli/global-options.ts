/** Options every command accepts, anywhere on the command line (before or after the verb). */
export interface GlobalOptions {
  readonly root?: string;
  readonly debug: boolean;
}

export const GLOBAL_OPTIONS_HELP = [
  "      --root DIR    Store directory (env LADE_ROOT; default /var/lib/lade as root, else $XDG_DATA_HOME/lade)",
  "      --debug       Show stack traces of errors",
].join("\n");

/** Remove the global options from argv (up to a "--" terminator) and return them with the rest. */
export function extractGlobalOptions(argv: readonly string[]): { options: GlobalOptions; rest: string[] } {
  const rest: string[] = [];
  let root: string | undefined;
  let debug = false;
  for (let index = 0; index < argv.length; index++) {
    const arg = argv[index]!;
    if (arg === "--") {
      rest.push(...argv.slice(index));
      break;
    }
    if (arg === "--debug") {
      debug = true;
    } else if (arg === "--root") {
      root = argv[++index];
      if (root === undefined) throw new UsageError('Option "--root" needs a directory');
    } else if (arg.startsWith("--root=")) {
      root = arg.slice("--root=".length);
    } else {
      rest.push(arg);
    }
  }
  return { options: { root, debug }, rest };
}

/** A command line lade cannot make sense of: exit code 2. */
export class UsageError extends TypeError {
  override name = "UsageError";
}
