import { shellQuote } from "./shell-quote.ts";

/** A Clusterfile `spec.hostAliases` entry: an /etc/hosts line on every host. */
export interface HostAlias {
  readonly ip: string;
  readonly hostnames: readonly string[];
}

/** The mark on the /etc/hosts lines lade wrote, and on the lines it turned into comments. */
const MARK = "# lade hostAliases";
const SHADOWED = "#lade-hostAliases-shadowed# ";
const HOSTNAME = /^[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9_-]*[A-Za-z0-9])?)*$/;

/** What is wrong with the host aliases, each with the place to fix it (the IPs are checked by the Clusterfile's reader). */
export function hostAliasProblems(aliases: readonly HostAlias[], at: (path: readonly (string | number)[]) => string): string[] {
  const problems: string[] = [];
  aliases.forEach((alias, index) => {
    if (alias.hostnames.length === 0) problems.push(`${at([index, "hostnames"])}: the host alias of ${alias.ip} needs hostnames`);
    alias.hostnames.forEach((name, nameIndex) => {
      if (name.length > 253 || !HOSTNAME.test(name)) problems.push(`${at([index, "hostnames", nameIndex])}: "${name}" is not a hostname (letters, digits, "-", "_" and dots)`);
    });
  });
  return problems;
}

/** The /etc/hosts of a host: below LADE_NODE_ROOT when the host sets one (the lab). */
const HOSTS_FILE = 'H="${LADE_NODE_ROOT:-}/etc/hosts"';

/**
 * awk that takes back what an earlier run wrote: lade's lines dropped, the lines it shadowed
 * restored. Rewritten in place (cat >), so the file keeps its owner, mode and inode.
 */
const RESTORE = `awk -v mark=${shellQuote(MARK)} -v shadowed=${shellQuote(SHADOWED)} 'index($0, shadowed) == 1 { print substr($0, length(shadowed) + 1); next } index($0, mark) { next } { print }'`;

/**
 * A shell script writing the aliases into the host's /etc/hosts, each line marked. As with
 * sealer, an alias wins over a line that already names one of its hostnames; that line is turned
 * into a marked comment (not deleted) and restored by the clean. Running it again changes nothing.
 */
export function hostAliasesScript(aliases: readonly HostAlias[]): string {
  const names = aliases.flatMap((alias) => alias.hostnames).join(" ");
  const entries = aliases.map((alias) => `${alias.ip} ${alias.hostnames.join(" ")} ${MARK}`);
  const shadow =
    `awk -v names=${shellQuote(names)} -v shadowed=${shellQuote(SHADOWED)} ` +
    `'BEGIN { split(names, list, " "); for (i in list) wanted[list[i]] = 1 } ` +
    `/^[[:space:]]*(#|$)/ { print; next } ` +
    `{ hit = 0; for (i = 2; i <= NF; i++) { if ($i ~ /^#/) break; if ($i in wanted) hit = 1 } if (hit) print shadowed $0; else print }'`;
  return [
    "set -e",
    HOSTS_FILE,
    'touch "$H"',
    `${RESTORE} "$H" | ${shadow} > "$H.lade-new"`,
    `printf '%s\\n' ${entries.map(shellQuote).join(" ")} >> "$H.lade-new"`,
    'cat "$H.lade-new" > "$H"; rm -f "$H.lade-new"',
  ].join("\n");
}

/** A shell script taking the aliases out of the host's /etc/hosts again (nothing when there are none). */
export const REMOVE_HOST_ALIASES_SCRIPT = [
  HOSTS_FILE,
  `if [ -f "$H" ] && grep -q -F -e ${shellQuote(MARK)} -e ${shellQuote(SHADOWED)} "$H"; then ${RESTORE} "$H" > "$H.lade-new"; cat "$H.lade-new" > "$H"; rm -f "$H.lade-new"; fi`,
].join("\n");

export function describeHostAliases(aliases: readonly HostAlias[]): string {
  return `Write the Clusterfile's hostAliases into /etc/hosts: ${aliases.map((alias) => `${alias.ip} ${alias.hostnames.join(" ")}`).join("; ")}`;
}
