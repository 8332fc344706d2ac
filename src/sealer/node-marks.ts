/** A Clusterfile host's `labels` and `taints` (sealer's spellings), set on its node after it joined. */
export interface NodeMarks {
  readonly labels: Readonly<Record<string, string>>;
  readonly taints: readonly string[];
}

/** One taint of a host, as `kubectl taint` reads it: added (or overwritten), or removed. */
export interface TaintChange {
  readonly remove: boolean;
  /** The argument of `kubectl taint node NAME …`: key=value:Effect, key:Effect, key-, key:Effect-. */
  readonly argument: string;
}

const EFFECTS = ["NoSchedule", "PreferNoSchedule", "NoExecute"];
const NAME = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Why KEY is not a Kubernetes label or taint key (prefix/name), or undefined when it is one. */
export function keyProblem(key: string): string | undefined {
  const slash = key.lastIndexOf("/");
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = key.slice(slash + 1);
  if (prefix !== undefined && (prefix.length > 253 || !DNS_SUBDOMAIN.test(prefix))) return `the prefix "${prefix}" is not a DNS subdomain (lower-case letters, digits, "-" and ".")`;
  if (name.length === 0 || name.length > 63 || !NAME.test(name)) {
    return `"${name}" is not a name: at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`;
  }
  return undefined;
}

/** Why VALUE is not a Kubernetes label or taint value, or undefined when it is one. */
export function valueProblem(value: string): string | undefined {
  if (value === "") return undefined;
  if (value.length > 63 || !NAME.test(value)) return `the value "${value}" is not one: at most 63 letters, digits, "-", "_" or ".", beginning and ending with a letter or digit`;
  return undefined;
}

/**
 * A taint as sealer's Clusterfile writes it (key=value:Effect, key:Effect, key=:Effect to add;
 * key- or key:Effect- to remove), or why it is not one.
 */
export function parseTaint(text: string): TaintChange | string {
  const taint = text.trim();
  if (taint.endsWith("-")) {
    const body = taint.slice(0, -1);
    const [key = "", effect, ...rest] = body.split(":");
    if (body.includes("=") || rest.length > 0) return `"${text}": a taint to remove is key- or key:Effect- (no value)`;
    const problem = keyProblem(key) ?? (effect !== undefined && !EFFECTS.includes(effect) ? `the effect "${effect}" is not one of ${EFFECTS.join(", ")}` : undefined);
    if (problem) return `"${text}": ${problem}`;
    return { remove: true, argument: effect === undefined ? `${key}-` : `${key}:${effect}-` };
  }
  const colon = taint.lastIndexOf(":");
  if (colon < 0) return `"${text}" names no effect (NoSchedule, PreferNoSchedule or NoExecute): write key=value:Effect or key:Effect (to remove a taint: key- or key:Effect-)`;
  const effect = taint.slice(colon + 1);
  const [key = "", value = "", ...rest] = taint.slice(0, colon).split("=");
  const problem =
    (rest.length > 0 ? `it has more than one "="` : undefined) ??
    keyProblem(key) ??
    valueProblem(value) ??
    (!EFFECTS.includes(effect) ? `the effect "${effect}" is not one of ${EFFECTS.join(", ")}` : undefined);
  if (problem) return `"${text}": ${problem}`;
  return { remove: false, argument: value === "" ? `${key}:${effect}` : `${key}=${value}:${effect}` };
}

/** What is wrong with a host's labels and taints, each with the place to fix it. */
export function nodeMarksProblems(marks: NodeMarks, at: (path: readonly (string | number)[]) => string): string[] {
  const problems: string[] = [];
  for (const [key, value] of Object.entries(marks.labels)) {
    const problem = keyProblem(key) ?? valueProblem(value);
    if (problem) problems.push(`${at(["labels", key])}: the label ${key}=${value} cannot be set: ${problem}`);
  }
  marks.taints.forEach((text, index) => {
    const taint = parseTaint(text);
    if (typeof taint === "string") problems.push(`${at(["taints", index])}: the taint ${taint}`);
  });
  return problems;
}

export function hasNodeMarks(marks: NodeMarks | undefined): marks is NodeMarks {
  return marks !== undefined && (Object.keys(marks.labels).length > 0 || marks.taints.length > 0);
}
