import { compareGoStrings } from "./compare-go-strings.ts";
import { ValuesError } from "./values-error.ts";
import { formatGoFloat, parseYamlTree, resolvePlainScalar, type YamlScalar, type YamlTree } from "./parse-go-yaml.ts";

/** One YAML document of a rendered template. */
export interface Manifest {
  /** The template's full name, e.g. "app/charts/db/templates/service.yaml". */
  readonly path: string;
  readonly content: string;
  readonly kind: string;
  /** The `helm.sh/hook` annotation of a hook. */
  readonly hook?: string;
}

/** Helm's install order of kinds (releaseutil.InstallOrder); other kinds follow, by name. */
export const INSTALL_ORDER: readonly string[] = [
  "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
  "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
  "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
  "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
  "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
  "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration",
  "ValidatingWebhookConfiguration",
];

const HOOK_EVENTS = new Set([
  "pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade",
  "pre-rollback", "post-rollback", "test", "test-success",
]);

const ORDER = new Map(INSTALL_ORDER.map((kind, index) => [kind, index]));

/**
 * Split rendered templates into documents and order them like `helm template`: templates by
 * path, documents in file order, then a stable sort by kind in install order. Documents with a
 * known `helm.sh/hook` annotation are hooks (sorted the same way, printed after the rest); one
 * whose hook annotation names an unknown event is dropped, as Helm does. Partials (`_*`) and
 * whitespace-only outputs are skipped. A document whose head cannot be read stays, with an error.
 */
export function sortManifests(rendered: ReadonlyMap<string, string>): { generic: Manifest[]; hooks: Manifest[]; errors: string[] } {
  const generic: Manifest[] = [];
  const hooks: Manifest[] = [];
  const errors: string[] = [];
  for (const path of [...rendered.keys()].sort(compareGoStrings)) {
    const content = rendered.get(path)!;
    if (baseName(path).startsWith("_") || goTrimSpace(content) === "") continue;
    for (const document of splitManifests(content)) {
      let head: ManifestHead;
      try {
        head = readManifestHead(document);
      } catch (error) {
        errors.push(`YAML parse error on ${path}: ${describeYamlError(error)}`);
        generic.push({ path, content: document, kind: "" });
        continue;
      }
      if (head.hook !== undefined) {
        const known = head.hook.split(",").every((event) => HOOK_EVENTS.has(event.trim().toLowerCase()));
        if (known) hooks.push({ path, content: document, kind: head.kind, hook: head.hook });
        continue;
      }
      generic.push({ path, content: document, kind: head.kind });
    }
  }
  return { generic: sortByKind(generic), hooks: sortByKind(hooks), errors };
}

/** Stable sort in install order; unknown kinds after known ones, alphabetically. */
export function sortByKind(manifests: readonly Manifest[]): Manifest[] {
  return [...manifests].sort((a, b) => {
    const x = ORDER.get(a.kind);
    const y = ORDER.get(b.kind);
    if (x === undefined && y === undefined) return a.kind === b.kind ? 0 : compareGoStrings(a.kind, b.kind);
    if (x === undefined) return 1;
    if (y === undefined) return -1;
    return x - y;
  });
}

/**
 * releaseutil.SplitManifests: documents split where the regexp `(?:^|\s*\n)---\s*` matches (a
 * "---" at the start of a line, with the blanks around it), each trimmed, empty ones dropped.
 * Scanned by hand with the regexp's leftmost-match semantics, which is much faster on big outputs.
 */
export function splitManifests(text: string): string[] {
  const trimmed = goTrimSpace(text);
  if (trimmed === "") return [];
  const documents: string[] = [];
  let lastEnd = 0;
  let from = 0;
  for (;;) {
    const at = trimmed.indexOf("---", from);
    if (at < 0) break;
    let start = -1;
    if (at === 0) start = 0;
    else if (at - 1 >= lastEnd && trimmed.charCodeAt(at - 1) === 10) {
      start = at - 1;
      while (start > lastEnd && isRegexpSpace(trimmed.charCodeAt(start - 1))) start--;
    }
    if (start < 0) {
      from = at + 1;
      continue;
    }
    let end = at + 3;
    while (end < trimmed.length && isRegexpSpace(trimmed.charCodeAt(end))) end++;
    documents.push(trimmed.slice(lastEnd, start));
    lastEnd = from = end;
  }
  documents.push(trimmed.slice(lastEnd));
  return documents.filter((document) => document !== "").map(goTrimSpace);
}

/** Go regexp's \s: [\t\n\f\r ]. */
function isRegexpSpace(code: number): boolean {
  return code === 9 || code === 10 || code === 12 || code === 13 || code === 32;
}

interface ManifestHead {
  readonly kind: string;
  /** The `helm.sh/hook` annotation, when there is one. */
  readonly hook: string | undefined;
}

/**
 * The kind and hook annotation. Most documents take the fast path (Bun's native YAML parser,
 * used only when what it finds cannot read differently under Go's YAML 1.1 rules); anything
 * unusual goes through the exact decoder.
 */
function readManifestHead(document: string): ManifestHead {
  return readManifestHeadFast(document) ?? readManifestHeadExactly(document);
}

const DOCUMENT_MARKER = /\n(---|\.\.\.)/;

function readManifestHeadFast(document: string): ManifestHead | undefined {
  if (DOCUMENT_MARKER.test(document) || document.startsWith("...")) return undefined;
  let root: unknown;
  try {
    root = Bun.YAML.parse(document);
  } catch {
    return undefined;
  }
  if (root === null) return { kind: "", hook: undefined };
  if (!isPlainRecord(root)) return undefined;
  const keys = Object.keys(root);
  if (keys.some((key) => key !== "kind" && key !== "metadata" && key.toLowerCase() !== key && ["kind", "metadata"].includes(key.toLowerCase()))) return undefined;
  const kind = root.kind;
  if (kind !== undefined && !isPlainString(kind)) return undefined;
  const metadata = root.metadata;
  if (metadata === undefined || metadata === null) return { kind: (kind as string | undefined) ?? "", hook: undefined };
  if (!isPlainRecord(metadata)) return undefined;
  if (Object.keys(metadata).some((key) => key !== key.toLowerCase() && ["name", "annotations"].includes(key.toLowerCase()))) return undefined;
  if (metadata.name !== undefined && metadata.name !== null && typeof metadata.name !== "string") return undefined;
  const annotations = metadata.annotations;
  if (annotations === undefined || annotations === null) return { kind: (kind as string | undefined) ?? "", hook: undefined };
  if (!isPlainRecord(annotations)) return undefined;
  for (const value of Object.values(annotations)) if (value !== null && typeof value === "object") return undefined;
  const hook = annotations["helm.sh/hook"];
  if (hook !== undefined && !isPlainString(hook)) return undefined;
  return { kind: (kind as string | undefined) ?? "", hook: hook as string | undefined };
}

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A string that YAML 1.1 would also read as a string (not yes/no/on/off, a number or null). */
function isPlainString(value: unknown): value is string {
  return typeof value === "string" && resolvePlainScalar(value).tag === "str";
}

/** Helm's decode into a struct (numbers become strings, wrong shapes fail), through the exact YAML 1.1 decoder. */
function readManifestHeadExactly(document: string): ManifestHead {
  const tree = parseYamlTree(document, "manifest");
  if (tree === undefined || isNull(tree)) return { kind: "", hook: undefined };
  const root = expectObject(tree, "Go value of type struct");
  const kind = lookup(root, "kind");
  const metadata = lookup(root, "metadata");
  const kindText = kind === undefined ? "" : toText(kind, "kind");
  if (metadata === undefined || isNull(metadata)) return { kind: kindText, hook: undefined };
  const metadataMap = expectObject(metadata, "Go struct field .metadata of type struct");
  const name = lookup(metadataMap, "name");
  if (name !== undefined) toText(name, "metadata.name");
  const annotations = lookup(metadataMap, "annotations");
  if (annotations === undefined || isNull(annotations)) return { kind: kindText, hook: undefined };
  const annotationMap = expectObject(annotations, "Go struct field .metadata.annotations of type map[string]string");
  let hook: string | undefined;
  for (const [key, value] of Object.entries(annotationMap)) {
    const text = toText(value, `metadata.annotations`);
    if (key === "helm.sh/hook") hook = text;
  }
  return { kind: kindText, hook };
}

type TreeMap = { readonly [key: string]: YamlTree };

function isNull(tree: YamlTree): boolean {
  return !Array.isArray(tree) && Object.getPrototypeOf(tree) !== null && (tree as YamlScalar).tag === "null";
}

function expectObject(tree: YamlTree, what: string): TreeMap {
  if (Array.isArray(tree)) throw new Error(`error unmarshaling JSON: json: cannot unmarshal array into ${what}`);
  if (Object.getPrototypeOf(tree) !== null) throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${jsonKind(tree as YamlScalar)} into ${what}`);
  return tree as TreeMap;
}

/** encoding/json matches struct fields case-insensitively; an exact match wins. */
function lookup(map: TreeMap, field: string): YamlTree | undefined {
  if (Object.hasOwn(map, field)) return map[field];
  const lower = field.toLowerCase();
  for (const [key, value] of Object.entries(map)) if (key.toLowerCase() === lower) return value;
  return undefined;
}

function toText(tree: YamlTree, field: string): string {
  if (Array.isArray(tree) || Object.getPrototypeOf(tree) === null) {
    throw new Error(`error unmarshaling JSON: json: cannot unmarshal ${Array.isArray(tree) ? "array" : "object"} into Go struct field .${field} of type string`);
  }
  const scalar = tree as YamlScalar;
  switch (scalar.tag) {
    case "null":
      return "";
    case "str":
      return scalar.value;
    case "bool":
      return String(scalar.value);
    case "int":
      return scalar.value.toString();
    case "float":
      return formatGoFloat(scalar.value, 32);
  }
}

function jsonKind(value: YamlScalar): string {
  return value.tag === "int" || value.tag === "float" ? "number" : value.tag === "bool" ? "bool" : "string";
}

/** "line 2, column 9: message" for a YAML syntax error, the message itself otherwise. */
function describeYamlError(error: unknown): string {
  if (error instanceof ValuesError) {
    const message = error.message.slice(error.message.indexOf(": ") + 2).replace(/^Cannot parse YAML: /, "");
    return `line ${error.location.line}, column ${error.location.column}: ${message}`;
  }
  return (error as Error).message;
}

function baseName(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

const GO_SPACE = "\t\n\v\f\r \u0085\u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u2028\u2029\u202f\u205f\u3000";

/** Go's strings.TrimSpace (Unicode White_Space; unlike String#trim, not U+FEFF). */
export function goTrimSpace(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && GO_SPACE.includes(text[start]!)) start++;
  while (end > start && GO_SPACE.includes(text[end - 1]!)) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}
