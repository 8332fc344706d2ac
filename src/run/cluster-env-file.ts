import { shellQuote } from "./plan-run.ts";

/** Names the cluster env must not set in the node scripts' shell: they would change how the scripts run. */
const RESERVED = new Set(["PATH", "HOME", "SHELL", "USER", "LOGNAME", "IFS", "PWD", "OLDPWD", "ENV", "BASH_ENV", "LD_PRELOAD", "LD_LIBRARY_PATH", "LADE_NODE_ROOT"]);

/**
 * The cluster env as a file for `set -a; . FILE` before init.sh and clean.sh (sealer exports the
 * env to its scripts too): one `NAME='value'` per variable, sorted; names a shell cannot take and
 * the reserved ones are left out.
 */
export function formatClusterEnvFile(env: Readonly<Record<string, unknown>>): string {
  const lines = ["# The cluster env of this host, written by lade run; exported to scripts/init.sh and scripts/clean.sh."];
  for (const name of Object.keys(env).sort()) {
    const value = env[name];
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name) || RESERVED.has(name)) continue;
    // a list value (sealer's `K=a;b`) reaches the scripts as words
    const text = Array.isArray(value) ? value.map(String).join(" ") : typeof value === "object" || value === undefined ? undefined : String(value);
    if (text !== undefined) lines.push(`${name}=${shellQuote(text)}`);
  }
  return `${lines.join("\n")}\n`;
}
