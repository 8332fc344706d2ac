import { matchPathPattern } from "./match-path-pattern.ts";

/** One line of a .helmignore file. */
export interface IgnoreRule {
  readonly pattern: string;
  readonly directoryOnly: boolean;
  /** The pattern has a "/": it is matched against the whole path so far, not one name. */
  readonly hasDirectory: boolean;
  readonly negate: boolean;
}

/** The rules of a .helmignore file: blank lines and `#` comments skipped, `!` negates, `dir/` matches directories. */
export function parseHelmignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split("\n")) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negate = line.startsWith("!");
    if (negate) line = line.slice(1);
    const directoryOnly = line.endsWith("/");
    if (directoryOnly) line = line.slice(0, -1);
    if (line.startsWith("/")) line = line.slice(1);
    rules.push({ pattern: line, directoryOnly, hasDirectory: line.includes("/"), negate });
  }
  return rules;
}

/**
 * Whether a chart file is ignored: every directory on its path and then the file itself is
 * checked against all rules in order (the last matching rule decides); an ignored directory
 * ignores everything below it.
 */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  if (rules.length === 0) return false;
  const parts = path.split("/");
  let ignored = false;
  for (let index = 0; index < parts.length; index++) {
    const sub = parts.slice(0, index + 1).join("/");
    const isDirectory = index < parts.length - 1;
    for (const rule of rules) {
      if (rule.directoryOnly && !isDirectory) continue;
      const matched = matchPathPattern(rule.pattern, rule.hasDirectory ? sub : parts[index]!);
      if (matched) ignored = !rule.negate;
    }
    if (ignored) return true;
  }
  return ignored;
}
